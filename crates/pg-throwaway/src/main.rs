//! `pg-throwaway [DATABASE] [-c NAME=VALUE]...`: starts a throwaway PostgreSQL cluster
//! (with the server settings given; PostgreSQL's durable defaults otherwise), creates
//! DATABASE (default `bench`), prints its URL on one line, and keeps the cluster until
//! this process is killed; then the cluster stops and its folder is removed. For scripts
//! (`make load-proxy`, `make chaos`).

use std::io::Write;

fn main() {
    let mut args = std::env::args().skip(1);
    let mut database = "bench".to_string();
    let mut settings: Vec<(String, String)> = Vec::new();
    while let Some(arg) = args.next() {
        if arg == "-c" {
            let setting = args.next().unwrap_or_default();
            match setting.split_once('=') {
                Some((name, value)) => settings.push((name.to_string(), value.to_string())),
                None => fail(&format!("-c takes NAME=VALUE, not '{setting}'")),
            }
        } else if arg.starts_with('-') {
            fail(&format!("unknown flag {arg}"));
        } else {
            database = arg;
        }
    }
    let settings: Vec<(&str, &str)> = settings.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
    let cluster = pg_throwaway::Cluster::start(&settings).unwrap_or_else(|e| fail(&e.to_string()));
    if let Err(e) = cluster.psql("postgres", &format!("CREATE DATABASE \"{database}\"")) {
        fail(&e.to_string());
    }
    println!("{}", cluster.url(&database));
    let _ = std::io::stdout().flush();
    loop {
        std::thread::park();
    }
}

fn fail(why: &str) -> ! {
    eprintln!("pg-throwaway: {why}");
    std::process::exit(1)
}
