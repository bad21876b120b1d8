//! A payment URL as a QR code, for `mode="qr"`: the modules from `qrcodegen`, drawn as
//! one SVG path (a rectangle per run of dark modules in a row) inside a quiet zone, so
//! the view writes one `<path>` and no per-module elements.

use qrcodegen::{QrCode, QrCodeEcc};

/// The light border a scanner needs around the code, in modules (the standard's 4).
pub const QUIET_ZONE: i32 = 4;

/// What the view draws: `viewBox="0 0 {size} {size}"` and `<path d="{path}">`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QrSvg {
    /// Width and height in modules, quiet zone included.
    pub size: i32,
    pub path: String,
}

/// The code for `text` with medium error correction (a screen can glare), or `None` when
/// it does not fit in a QR code.
pub fn qr_svg(text: &str) -> Option<QrSvg> {
    let code = QrCode::encode_text(text, QrCodeEcc::Medium).ok()?;
    let n = code.size();
    let mut path = String::new();
    for y in 0..n {
        let row: Vec<bool> = (0..n).map(|x| code.get_module(x, y)).collect();
        let mut x = 0;
        for run in row.chunk_by(|a, b| a == b) {
            let len = run.len() as i32;
            if run[0] {
                path.push_str(&format!("M{} {}h{len}v1h-{len}z", x + QUIET_ZONE, y + QUIET_ZONE));
            }
            x += len;
        }
    }
    Some(QrSvg {
        size: n + 2 * QUIET_ZONE,
        path,
    })
}

// Natively only: the decoder is a native dev-dependency.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    /// The dark modules the path draws, read back from its `M x yhNv1h-Nz` runs.
    fn modules(svg: &QrSvg) -> Vec<Vec<bool>> {
        let size = svg.size as usize;
        let mut grid = vec![vec![false; size]; size];
        for run in svg.path.split('z').filter(|r| !r.is_empty()) {
            let run = run.strip_prefix('M').expect("a run starts with M");
            let (xy, rest) = run.split_once('h').unwrap();
            let (x, y) = xy.split_once(' ').unwrap();
            let (x, y): (usize, usize) = (x.parse().unwrap(), y.parse().unwrap());
            let len: usize = rest.split_once('v').unwrap().0.parse().unwrap();
            for cell in &mut grid[y][x..x + len] {
                *cell = true;
            }
        }
        grid
    }

    /// Decodes the drawing as a phone's camera would see it: `scale` pixels a module.
    fn decode(svg: &QrSvg) -> String {
        let grid = modules(svg);
        let scale = 4;
        let px = grid.len() * scale;
        let mut image =
            rqrr::PreparedImage::prepare_from_greyscale(
                px,
                px,
                |x, y| {
                    if grid[y / scale][x / scale] {
                        0
                    } else {
                        255
                    }
                },
            );
        let grids = image.detect_grids();
        assert_eq!(grids.len(), 1, "one code in the picture");
        grids[0].decode().expect("a readable code").1
    }

    #[test]
    fn a_payment_url_reads_back_unchanged() {
        let url = "https://api.vipps.no/dwo-api-application/v1/deeplink/vippsgateway?v=2&token=eyJraWQiOiJqd3RrZXkiLCJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ0ZXN0In0.c2lnbmF0dXJl";
        let svg = qr_svg(url).unwrap();
        assert_eq!(decode(&svg), url);
        let simulator = "http://127.0.0.1:8081/dwo-api-application/v1/deeplink/vippsgateway?v=2&token=abc";
        assert_eq!(decode(&qr_svg(simulator).unwrap()), simulator);
    }

    #[test]
    fn the_quiet_zone_stays_light() {
        let svg = qr_svg("https://api.vipps.no/x").unwrap();
        let grid = modules(&svg);
        let q = QUIET_ZONE as usize;
        let n = grid.len();
        for (y, row) in grid.iter().enumerate() {
            for (x, dark) in row.iter().enumerate() {
                if x < q || y < q || x >= n - q || y >= n - q {
                    assert!(!dark, "({x}, {y}) is in the quiet zone");
                }
            }
        }
        assert!(grid[q][q], "the finder pattern's corner is dark");
        assert_eq!(n as i32, svg.size);
        let modules = QrCode::encode_text("https://api.vipps.no/x", QrCodeEcc::Medium)
            .unwrap()
            .size();
        assert_eq!(
            svg.size,
            modules + 2 * QUIET_ZONE,
            "the code plus a quiet zone each side"
        );
        assert!(grid[q + modules as usize - 1][q], "the bottom-left finder is drawn too");
    }

    #[test]
    fn too_much_text_is_no_code() {
        assert!(qr_svg(&"x".repeat(5000)).is_none());
    }
}
