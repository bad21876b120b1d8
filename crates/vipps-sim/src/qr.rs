//! ePayment's `QR` user flow: the code the merchant shows, for the landing page's URL
//! (scanning it opens the same landing page and app), as an SVG or a PNG image, or the
//! URL itself for the merchant to draw (`qrFormat`, `docs/vipps-epayment-v1.md`). Pure.

use qrcodegen::{QrCode, QrCodeEcc};

/// The light border a scanner needs, in modules.
const QUIET_ZONE: i32 = 4;

/// `qrFormat` of a create: what the answer's `redirectUrl` leads to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QrFormat {
    /// `IMAGE/SVG+XML` (the default).
    Svg,
    /// `IMAGE/PNG`, `size` pixels square (100-2000, default 1024).
    Png { size: u32 },
    /// `TEXT/TARGETURL`: the URL to encode, not an image.
    TargetUrl,
}

impl QrFormat {
    pub const DEFAULT_PNG_SIZE: u32 = 1024;

    /// Parses `qrFormat` (`format`, `size`); the error says what is wrong. `size` is read
    /// only for `IMAGE/PNG`: the spec applies it "only when the format is set to PNG"
    /// (`vippsas/vipps-epayment-api` `docs/epayment.v1.yml`, v1.4.1 at
    /// e7a5c6eebfa2249e29d43dab08f1e4caf9a291f7), so beside another format it is ignored.
    pub fn parse(value: &serde_json::Value) -> Result<QrFormat, String> {
        match value.get("format").and_then(serde_json::Value::as_str) {
            None | Some("IMAGE/SVG+XML") => Ok(QrFormat::Svg),
            Some("TEXT/TARGETURL") => Ok(QrFormat::TargetUrl),
            Some("IMAGE/PNG") => {
                let size = match value.get("size") {
                    None | Some(serde_json::Value::Null) => Self::DEFAULT_PNG_SIZE,
                    Some(v) => v
                        .as_u64()
                        .filter(|s| (100..=2000).contains(s))
                        .ok_or("qrFormat.size must be a whole number of pixels, 100 to 2000")?
                        as u32,
                };
                Ok(QrFormat::Png { size })
            }
            Some(other) => Err(format!(
                "qrFormat.format {other} is not IMAGE/SVG+XML, IMAGE/PNG or TEXT/TARGETURL"
            )),
        }
    }
}

fn code(text: &str) -> QrCode {
    // A landing page URL always fits: it is under 200 characters.
    QrCode::encode_text(text, QrCodeEcc::Medium).expect("a URL fits in a QR code")
}

/// The code for `text` as an SVG document: one path, a quiet zone, scalable.
pub fn svg(text: &str) -> String {
    let code = code(text);
    let n = code.size();
    let side = n + 2 * QUIET_ZONE;
    let mut path = String::new();
    for y in 0..n {
        for x in 0..n {
            if code.get_module(x, y) {
                path.push_str(&format!("M{} {}h1v1h-1z", x + QUIET_ZONE, y + QUIET_ZONE));
            }
        }
    }
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {side} {side}\" shape-rendering=\"crispEdges\">\
         <rect width=\"{side}\" height=\"{side}\" fill=\"#fff\"/><path d=\"{path}\" fill=\"#000\"/></svg>"
    )
}

/// The code for `text` as a greyscale PNG of `size`×`size` pixels.
pub fn png(text: &str, size: u32) -> Vec<u8> {
    let code = code(text);
    let side = (code.size() + 2 * QUIET_ZONE) as u32;
    let mut pixels = Vec::with_capacity((size * size) as usize);
    for py in 0..size {
        for px in 0..size {
            let (x, y) = ((px * side / size) as i32, (py * side / size) as i32);
            let dark = code.get_module(x - QUIET_ZONE, y - QUIET_ZONE);
            pixels.push(if dark { 0 } else { 255 });
        }
    }
    let mut out = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut out, size, size);
        encoder.set_color(png::ColorType::Grayscale);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder.write_header().expect("writing to memory");
        writer.write_image_data(&pixels).expect("writing to memory");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn formats_and_sizes() {
        assert_eq!(QrFormat::parse(&json!({})), Ok(QrFormat::Svg));
        assert_eq!(
            QrFormat::parse(&json!({"format": "IMAGE/PNG"})),
            Ok(QrFormat::Png { size: 1024 })
        );
        assert_eq!(
            QrFormat::parse(&json!({"format": "IMAGE/PNG", "size": 300})),
            Ok(QrFormat::Png { size: 300 })
        );
        assert_eq!(
            QrFormat::parse(&json!({"format": "TEXT/TARGETURL"})),
            Ok(QrFormat::TargetUrl)
        );
        assert!(QrFormat::parse(&json!({"format": "IMAGE/PNG", "size": 99})).is_err());
        assert!(QrFormat::parse(&json!({"format": "IMAGE/PNG", "size": 2001})).is_err());
        assert_eq!(
            QrFormat::parse(&json!({"format": "IMAGE/SVG+XML", "size": 300})),
            Ok(QrFormat::Svg),
            "size is for PNG only, and ignored beside another format"
        );
        assert_eq!(
            QrFormat::parse(&json!({"format": "TEXT/TARGETURL", "size": 5})),
            Ok(QrFormat::TargetUrl)
        );
        assert!(QrFormat::parse(&json!({"format": "IMAGE/GIF"})).is_err());
    }

    #[test]
    fn the_svg_is_one_path_in_a_light_square() {
        let s = svg("http://127.0.0.1:8081/x?token=abc");
        assert!(s.starts_with("<svg") && s.ends_with("</svg>"));
        assert_eq!(s.matches("<path").count(), 1);
    }

    #[test]
    fn the_png_has_the_size_asked_for() {
        let bytes = png("http://127.0.0.1:8081/x?token=abc", 300);
        let decoder = png::Decoder::new(&bytes[..]);
        let reader = decoder.read_info().unwrap();
        assert_eq!((reader.info().width, reader.info().height), (300, 300));
    }
}
