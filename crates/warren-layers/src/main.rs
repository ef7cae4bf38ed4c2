//! `warren-layers [--rules FILE] [--graph]`: the layering check; see the library's docs.

use std::io::Write as _;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let opts = match warren_layers::Options::parse(&args) {
        Ok(Some(o)) => o,
        Ok(None) => {
            println!("{}", warren_layers::USAGE);
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("warren-layers: {e}");
            return ExitCode::from(2);
        }
    };
    match warren_layers::run(&opts) {
        Ok((out, code)) => {
            let _ = std::io::stdout().write_all(out.as_bytes());
            ExitCode::from(u8::try_from(code).unwrap_or(1))
        }
        Err(e) => {
            eprintln!("warren-layers: {e}");
            ExitCode::from(2)
        }
    }
}
