//! Real-browser tests: `tests/` start the real `openwelfare` binary on a fresh demo
//! database and drive Debian's headless chromium with playwright-core (`browser/*.mjs`).
//! `cargo xtask test` provides the binary (`OW_SERVER_BIN`), the built site
//! (`OW_SITE_ROOT`) and the npm packages (`OW_NODE_MODULES`).

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running server on a fresh SQLite database with the demo data, sending its e-mail to
/// a local SMTP sink shown at `/demo/mail`, as `cargo xtask demo` does.
pub struct DemoServer {
    child: Child,
    mail_sink: Child,
    pub base_url: String,
    dir: PathBuf,
    /// Runs the binary on this server's database and configuration.
    command: Box<dyn Fn(&[&str]) -> Command>,
}

impl Drop for DemoServer {
    fn drop(&mut self) {
        for child in [&mut self.child, &mut self.mail_sink] {
            let _ = child.kill();
            let _ = child.wait();
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn env_path(name: &str) -> Result<PathBuf, String> {
    std::env::var_os(name)
        .map(PathBuf::from)
        .ok_or_else(|| format!("{name} is not set: run the browser tests with `cargo xtask test`"))
}

impl DemoServer {
    pub fn start() -> Result<DemoServer, String> {
        let bin = env_path("OW_SERVER_BIN")?;
        let site = env_path("OW_SITE_ROOT")?;
        let port = TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map_err(|e| e.to_string())?.port();
        let dir = std::env::temp_dir().join(format!("ow_e2e_{}_{port}", std::process::id()));
        std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
        let db = format!("sqlite://{}/e2e.sqlite?mode=rwc", dir.display());
        let smtp_port =
            TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map_err(|e| e.to_string())?.port();
        let mail_file = dir.join("mail.jsonl");
        let mail_sink = Command::new("node")
            .arg(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tools/mail-sink.mjs"))
            .arg(smtp_port.to_string())
            .arg(&mail_file)
            .env("OW_NODE_MODULES", env_path("OW_NODE_MODULES")?)
            .stdout(Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot start the SMTP sink: {e}"))?;
        wait_for_port(smtp_port, "the SMTP sink")?;
        let command = move |args: &[&str]| {
            let mut c = Command::new(&bin);
            c.args(args)
                .env("OW_DATABASE_URL", &db)
                .env("OW_SITE_ROOT", &site)
                .env("OW_ADDR", format!("127.0.0.1:{port}"))
                .env("OW_SMTP_URL", format!("smtp://127.0.0.1:{smtp_port}"))
                .env("OW_DEMO_MAIL_FILE", &mail_file)
                .env("OW_LOG", "warn");
            c
        };
        for step in [&["migrate", "up"][..], &["seed-demo"][..]] {
            let out = command(step).output().map_err(|e| e.to_string())?;
            if !out.status.success() {
                return Err(format!("{step:?} failed: {}", String::from_utf8_lossy(&out.stderr)));
            }
        }
        let child = command(&["serve"]).stdout(Stdio::null()).spawn().map_err(|e| e.to_string())?;
        let server = DemoServer {
            child,
            mail_sink,
            base_url: format!("http://127.0.0.1:{port}"),
            dir,
            command: Box::new(command),
        };
        wait_for_port(port, "the server")?;
        Ok(server)
    }

    /// Runs `openwelfare ARGS` on this server's database; its standard output.
    pub fn cli(&self, args: &[&str]) -> Result<String, String> {
        let out = (self.command)(args).output().map_err(|e| e.to_string())?;
        if !out.status.success() {
            return Err(format!("{args:?} failed: {}", String::from_utf8_lossy(&out.stderr)));
        }
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    }
}

/// The sample council website (`openwelfare sample-site`) on another port, embedding
/// the widgets of `widget_origin`.
pub struct SampleSite {
    child: Child,
    pub url: String,
}

impl Drop for SampleSite {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl SampleSite {
    pub fn start(widget_origin: &str) -> Result<SampleSite, String> {
        let bin = env_path("OW_SERVER_BIN")?;
        let port = TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map_err(|e| e.to_string())?.port();
        let child = Command::new(&bin)
            .args(["sample-site", "--addr", &format!("127.0.0.1:{port}"), "--widget-origin", widget_origin])
            .env("OW_LOG", "warn")
            .stdout(Stdio::null())
            .spawn()
            .map_err(|e| e.to_string())?;
        let site = SampleSite { child, url: format!("http://127.0.0.1:{port}") };
        wait_for_port(port, "the sample site")?;
        Ok(site)
    }
}

/// Waits until something listens on `port` of loopback (30 s at most).
fn wait_for_port(port: u16, what: &str) -> Result<(), String> {
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Err(format!("{what} did not start"))
}

/// Runs `browser/<script>` with node against `base_url`; its output is the test's.
pub fn run_script(script: &str, base_url: &str) -> Result<(), String> {
    run_script_with(script, base_url, &[])
}

/// `run_script` with more environment variables for the script.
pub fn run_script_with(script: &str, base_url: &str, env: &[(&str, &str)]) -> Result<(), String> {
    let node_modules = env_path("OW_NODE_MODULES")?;
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("browser").join(script);
    let out = Command::new("node")
        .arg(&path)
        .envs(env.iter().copied())
        .env("BASE_URL", base_url)
        .env("NODE_PATH", &node_modules)
        .env("OW_NODE_MODULES", &node_modules)
        .output()
        .map_err(|e| format!("cannot run node: {e}"))?;
    print!("{}", String::from_utf8_lossy(&out.stdout));
    eprint!("{}", String::from_utf8_lossy(&out.stderr));
    if out.status.success() {
        Ok(())
    } else {
        Err(format!("{script} failed"))
    }
}
