//! A throwaway PostgreSQL cluster: `initdb` in a temporary folder, a server on its own
//! loopback port, and a fresh database per caller. No container and no shared server:
//! the binaries are Debian's (`scripts/setup.sh` installs `postgresql`).
//!
//! The server runs under a small shell supervisor that holds the read end of a pipe
//! whose write end only this process has. When this process ends, however it ends (a
//! panic, `kill -9`), the pipe closes, and the supervisor stops the server and removes
//! its folder. So nothing outlives the tests, and nothing needs a `Drop` to run.
//!
//! As root (CI), `initdb` and `postgres` refuse to run; they run as the `postgres` user
//! that Debian's package creates.

use std::io::{Error, ErrorKind, Result};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

pub struct Cluster {
    pub port: u16,
    bin: PathBuf,
    /// Kept open for the process's life: its closing stops the server.
    _lifeline: Mutex<ChildStdin>,
    _supervisor: Mutex<Child>,
}

/// One cluster per process, started on first use (tests share it; each gets its own
/// database from [`Cluster::fresh_database`]).
pub fn shared() -> &'static Cluster {
    static CLUSTER: OnceLock<Cluster> = OnceLock::new();
    CLUSTER.get_or_init(|| {
        Cluster::start(&[("fsync", "off"), ("synchronous_commit", "off")]).unwrap_or_else(|e| panic!("{e}"))
    })
}

/// The folder of PostgreSQL's server binaries: `$PG_BINDIR`, else the newest
/// `/usr/lib/postgresql/*/bin` (Debian's layout), else the `PATH`.
pub fn bin_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("PG_BINDIR") {
        return Some(PathBuf::from(dir));
    }
    let mut found: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .flatten()
        .filter_map(|e| {
            let version = e.file_name().to_str()?.parse().ok()?;
            let bin = e.path().join("bin");
            bin.join("initdb").exists().then_some((version, bin))
        })
        .collect();
    found.sort();
    found.pop().map(|(_, bin)| bin)
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

/// `program args…`, as the `postgres` user when we are root.
fn command(program: &Path, root: bool) -> Command {
    if root {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(program);
        c
    } else {
        Command::new(program)
    }
}

fn free_port() -> Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

impl Cluster {
    /// `initdb` and a server with these settings (`-c name=value`); waits until it answers.
    pub fn start(settings: &[(&str, &str)]) -> Result<Cluster> {
        let bin = bin_dir().ok_or_else(|| {
            Error::new(
                ErrorKind::NotFound,
                "PostgreSQL's server binaries were not found (install Debian's `postgresql`: scripts/setup.sh postgres, or set PG_BINDIR)",
            )
        })?;
        let root = is_root();
        let dir = std::env::temp_dir().join(format!("pg-throwaway-{}-{}", std::process::id(), nanos()));
        std::fs::create_dir_all(&dir)?;
        if root {
            run(Command::new("chown").arg("postgres").arg(&dir), "chown")?;
        }
        let data = dir.join("data");
        run(
            command(&bin.join("initdb"), root).arg("-D").arg(&data).args([
                "--auth=trust",
                "-U",
                "postgres",
                "--no-sync",
                "-E",
                "UTF8",
                "--locale=C",
            ]),
            "initdb",
        )?;
        let port = free_port()?;
        let mut server = format!(
            "exec {} -D {} -p {port} -k {} -c listen_addresses=127.0.0.1 -c max_connections=400 -c shared_buffers=64MB",
            bin.join("postgres").display(),
            data.display(),
            dir.display()
        );
        for (name, value) in settings {
            server.push_str(&format!(" -c {name}={value}"));
        }
        // The supervisor: the server in the background; when stdin closes (this process
        // ended), a fast shutdown, then the folder goes.
        let script = format!(
            "({server}) >{log} 2>&1 </dev/null & pid=$!; read _ignored; kill -INT $pid; wait $pid; rm -rf {dir}",
            log = dir.join("server.log").display(),
            dir = dir.display()
        );
        let mut supervisor = command(Path::new("/bin/sh"), root)
            .args(["-c", &script])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()?;
        let lifeline = supervisor.stdin.take().expect("piped");
        let cluster = Cluster {
            port,
            bin,
            _lifeline: Mutex::new(lifeline),
            _supervisor: Mutex::new(supervisor),
        };
        let began = Instant::now();
        while cluster.psql("postgres", "SELECT 1").is_err() {
            if began.elapsed() > Duration::from_secs(30) {
                let log = std::fs::read_to_string(dir.join("server.log")).unwrap_or_default();
                return Err(Error::other(format!("PostgreSQL did not start within 30 s:\n{log}")));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Ok(cluster)
    }

    /// The URL of database `name` on this cluster.
    pub fn url(&self, name: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{name}", self.port)
    }

    /// A new, empty database with a name no other caller of this process gets; its URL.
    pub fn fresh_database(&self, hint: &str) -> Result<String> {
        static SEQ: AtomicUsize = AtomicUsize::new(0);
        let clean: String = hint
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
            .take(30)
            .collect::<String>()
            .to_lowercase();
        let name = format!(
            "{}_{}_{}",
            if clean.is_empty() { "db" } else { &clean },
            std::process::id(),
            SEQ.fetch_add(1, Ordering::Relaxed)
        );
        self.psql("postgres", &format!("CREATE DATABASE {name}"))?;
        Ok(self.url(&name))
    }

    /// Runs one SQL command with `psql`; its output.
    pub fn psql(&self, database: &str, sql: &str) -> Result<String> {
        let out = Command::new(self.bin.join("psql"))
            .args([
                "-X",
                "-q",
                "-t",
                "-A",
                "-v",
                "ON_ERROR_STOP=1",
                "-h",
                "127.0.0.1",
                "-U",
                "postgres",
            ])
            .args(["-p", &self.port.to_string(), "-d", database, "-c", sql])
            .output()?;
        if !out.status.success() {
            return Err(Error::other(String::from_utf8_lossy(&out.stderr).into_owned()));
        }
        Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
    }
}

fn nanos() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0)
}

fn run(cmd: &mut Command, what: &str) -> Result<()> {
    let out = cmd.output()?;
    if out.status.success() {
        Ok(())
    } else {
        Err(Error::other(format!(
            "{what} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cluster_gives_separate_databases() {
        let cluster = shared();
        let a = cluster.fresh_database("a").unwrap();
        let b = cluster.fresh_database("a").unwrap();
        assert_ne!(a, b);
        let name = a.rsplit('/').next().unwrap();
        cluster
            .psql(name, "CREATE TABLE t (x int); INSERT INTO t VALUES (7)")
            .unwrap();
        assert_eq!(cluster.psql(name, "SELECT x FROM t").unwrap(), "7");
        let other = b.rsplit('/').next().unwrap();
        assert!(cluster.psql(other, "SELECT x FROM t").is_err(), "b has no table t");
    }
}
