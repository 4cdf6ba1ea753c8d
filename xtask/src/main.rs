//! `cargo xtask demo` and `cargo xtask test`: the two README commands, and the build
//! recipe of docs/ARCHITECTURE.md §7 (no cargo-leptos): cargo (wasm) → wasm-bindgen → wasm-opt →
//! assets → cargo (server). Tools are installed at pinned versions into a cache folder
//! outside the repo and reused. Standard library only, so it compiles in seconds.

use std::env;
use std::fs;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::Instant;

type Result<T = ()> = std::result::Result<T, String>;

const USAGE: &str = "usage:
  cargo xtask demo [--addr HOST:PORT] [--reset]   build, load demo data into SQLite, serve
  cargo xtask test                                run every test (set OW_TEST_POSTGRES_URL for PostgreSQL)
  cargo xtask build [--release]                   build the wasm bundle, assets and server
  cargo xtask dist                                build the wasm bundle and assets only
  cargo xtask bench [directory|cases]             benchmarks with wrk (OW_BENCH_POSTGRES_URL adds PostgreSQL)
  cargo xtask bench wasm                          the rules engine's wasm in Chromium (200 benefits)";

fn main() -> ExitCode {
    let args: Vec<String> = env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("demo") => demo(&args[1..]),
        Some("test") => test(),
        Some("build") => build(args.iter().any(|a| a == "--release")),
        Some("dist") => site(),
        Some("bench") => bench(args.get(1).map(String::as_str)),
        _ => Err(USAGE.to_string()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(msg) => {
            eprintln!("xtask: {msg}");
            ExitCode::FAILURE
        }
    }
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map(Path::to_path_buf).unwrap_or_default()
}

fn target_dir() -> PathBuf {
    env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| root().join("target"))
}

/// Where built assets go (served by `openwelfare serve` as its `site_root`).
fn site_dir() -> PathBuf {
    target_dir().join("site")
}

/// The versioned tool folder outside the repo.
fn tools_dir() -> PathBuf {
    let base = env::var_os("OW_TOOLS_DIR")
        .map(PathBuf::from)
        .or_else(|| env::var_os("XDG_CACHE_HOME").map(|d| PathBuf::from(d).join("openwelfare")))
        .or_else(|| env::var_os("HOME").map(|d| PathBuf::from(d).join(".cache/openwelfare")))
        .unwrap_or_else(|| env::temp_dir().join("openwelfare-tools"));
    base.join("tools")
}

fn run(cmd: &mut Command) -> Result {
    let shown = format!("{cmd:?}");
    println!("$ {shown}");
    let status = cmd.status().map_err(|e| format!("cannot run {shown}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{shown} failed ({status})"))
    }
}

fn cargo() -> Command {
    Command::new(env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
}

fn has(program: &str) -> bool {
    Command::new(program)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// The wasm-bindgen version pinned in Cargo.lock (the CLI must match it exactly).
fn wasm_bindgen_version() -> Result<String> {
    let lock = fs::read_to_string(root().join("Cargo.lock")).map_err(|e| format!("Cargo.lock: {e}"))?;
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line == "name = \"wasm-bindgen\"" {
            if let Some(v) = lines.next().and_then(|l| l.strip_prefix("version = \"")) {
                return Ok(v.trim_end_matches('"').to_string());
            }
        }
    }
    Err("wasm-bindgen not found in Cargo.lock".into())
}

/// Installs what the build needs and is missing: the wasm target, wasm-bindgen-cli at
/// the lock's version, and the npm packages of `tools/package.json`.
fn ensure_tools() -> Result<Tools> {
    let installed = Command::new("rustup").args(["target", "list", "--installed"]).output();
    let has_wasm =
        installed.as_ref().is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains("wasm32-unknown-unknown"));
    if !has_wasm {
        run(Command::new("rustup").args(["target", "add", "wasm32-unknown-unknown"]))?;
    }

    let version = wasm_bindgen_version()?;
    let wb_root = tools_dir().join(format!("wasm-bindgen-{version}"));
    let wasm_bindgen = wb_root.join("bin/wasm-bindgen");
    if !wasm_bindgen.exists() {
        println!("Installing wasm-bindgen-cli {version} into {} (once, several minutes)…", wb_root.display());
        // Without --locked: the CLI's own lock file pins crates that no longer build on this toolchain.
        run(cargo().args(["install", "wasm-bindgen-cli", "--version", &version, "--root"]).arg(&wb_root))?;
    }

    if !has("npm") {
        return Err("npm is missing: install Node.js (apt-get install nodejs npm)".into());
    }
    let manifest = fs::read_to_string(root().join("tools/package.json")).map_err(|e| e.to_string())?;
    let lock = fs::read_to_string(root().join("tools/package-lock.json")).map_err(|e| e.to_string())?;
    let npm_dir = tools_dir().join(format!("npm-{:016x}", fnv1a(&(manifest.clone() + &lock))));
    let node_modules = npm_dir.join("node_modules");
    if !node_modules.join(".complete").exists() {
        fs::create_dir_all(&npm_dir).map_err(|e| e.to_string())?;
        fs::write(npm_dir.join("package.json"), &manifest).map_err(|e| e.to_string())?;
        fs::write(npm_dir.join("package-lock.json"), &lock).map_err(|e| e.to_string())?;
        run(Command::new("npm").args(["ci", "--no-audit", "--no-fund", "--ignore-scripts"]).current_dir(&npm_dir))?;
        fs::write(node_modules.join(".complete"), "").map_err(|e| e.to_string())?;
    }
    Ok(Tools { wasm_bindgen, node_modules })
}

struct Tools {
    wasm_bindgen: PathBuf,
    node_modules: PathBuf,
}

/// A stable hash for naming the npm tool folder after its manifest.
fn fnv1a(text: &str) -> u64 {
    text.bytes().fold(0xcbf29ce484222325, |h, b| (h ^ b as u64).wrapping_mul(0x100000001b3))
}

fn copy_dir(from: &Path, to: &Path) -> Result {
    fs::create_dir_all(to).map_err(|e| format!("{}: {e}", to.display()))?;
    for entry in fs::read_dir(from).map_err(|e| format!("{}: {e}", from.display()))? {
        let entry = entry.map_err(|e| e.to_string())?;
        let dest = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &dest)?;
        } else {
            fs::copy(entry.path(), &dest).map_err(|e| format!("{}: {e}", dest.display()))?;
        }
    }
    Ok(())
}

/// The hydrate bundle and the static assets, into `target/site`.
fn site() -> Result {
    let tools = ensure_tools()?;
    let started = Instant::now();
    run(cargo().args(["build", "-p", "frontend", "--target", "wasm32-unknown-unknown", "--profile", "wasm-release"]))?;
    let wasm = target_dir().join("wasm32-unknown-unknown/wasm-release/frontend.wasm");
    let pkg = site_dir().join("pkg");
    fs::create_dir_all(&pkg).map_err(|e| e.to_string())?;
    run(Command::new(&tools.wasm_bindgen)
        .arg(&wasm)
        .args(["--target", "web", "--no-typescript", "--out-name", "frontend", "--out-dir"])
        .arg(&pkg))?;
    let bg = pkg.join("frontend_bg.wasm");
    let wasm_opt = tools.node_modules.join("binaryen/bin/wasm-opt");
    run(Command::new(&wasm_opt)
        .arg(&bg)
        .args(["-Oz", "--enable-bulk-memory", "--enable-nontrapping-float-to-int", "-o"])
        .arg(&bg))?;

    let assets = site_dir().join("assets");
    let bi = tools.node_modules.join("bootstrap-italia/dist");
    for dir in ["css", "fonts", "svg"] {
        copy_dir(&bi.join(dir), &assets.join("bootstrap-italia").join(dir))?;
    }
    let swagger = tools.node_modules.join("swagger-ui-dist");
    fs::create_dir_all(assets.join("swagger-ui")).map_err(|e| e.to_string())?;
    for file in ["swagger-ui.css", "swagger-ui-bundle.js", "LICENSE"] {
        fs::copy(swagger.join(file), assets.join("swagger-ui").join(file))
            .map_err(|e| format!("swagger-ui {file}: {e}"))?;
    }
    copy_dir(&root().join("server/assets"), &assets)?;
    // The fonts app.css declares are named by Bootstrap Italia's version, so browsers keep them.
    let bi_version = npm_version(&tools.node_modules.join("bootstrap-italia"))?;
    let app_css = fs::read_to_string(assets.join("app.css")).map_err(|e| e.to_string())?;
    fs::write(assets.join("app.css"), app_css.replace("__BOOTSTRAP_ITALIA__", &bi_version))
        .map_err(|e| e.to_string())?;
    let hydrate = hashed_bundle(&pkg)?;
    let staff = staff_bundle(&pkg, &hydrate, &assets)?;
    widgets(&tools)?;
    // The browser gets what it accepts (brotli or gzip) without compressing per request.
    run(Command::new("node").arg(root().join("tools/compress.mjs")).args([
        &pkg,
        &assets,
        &site_dir().join("widgets/v1"),
    ]))?;
    println!("site built in {:.0?}", started.elapsed());
    println!("{staff}");
    Ok(())
}

/// The `version` of the npm package in `dir`.
fn npm_version(dir: &Path) -> Result<String> {
    let manifest = fs::read_to_string(dir.join("package.json")).map_err(|e| format!("{}: {e}", dir.display()))?;
    let version = manifest.split("\"version\":").nth(1).and_then(|rest| rest.split('"').nth(1));
    version.map(str::to_string).ok_or_else(|| format!("{}: no version", dir.display()))
}

/// The hydrate bundle under a content-hashed name (`frontend-<hash>.js` and
/// `frontend-<hash>_bg.wasm`), so browsers keep it for good; `site/assets.txt` names it and
/// versions the stylesheets (`?v=<hash>`) for the server's page shell. Earlier builds'
/// bundles stay, for a page loaded just before a deploy.
fn hashed_bundle(pkg: &Path) -> Result<String> {
    let read = |path: PathBuf| fs::read(&path).map_err(|e| format!("{}: {e}", path.display()));
    let (js, wasm) = (read(pkg.join("frontend.js"))?, read(pkg.join("frontend_bg.wasm"))?);
    let name = format!("frontend-{:016x}", fnv1a_bytes(&[js.as_slice(), &wasm].concat()));
    for (from, to) in [("frontend.js", format!("{name}.js")), ("frontend_bg.wasm", format!("{name}_bg.wasm"))] {
        fs::rename(pkg.join(from), pkg.join(&to)).map_err(|e| format!("{to}: {e}"))?;
    }
    let assets = site_dir().join("assets");
    let version = |file: &str| -> Result<String> { Ok(format!("{:016x}", fnv1a_bytes(&read(assets.join(file))?))) };
    let manifest = format!(
        "# Written by `cargo xtask dist`: what the page shell links to.\nhydrate = {name}\nbootstrap_italia_css = {}\napp_css = {}\n",
        version("bootstrap-italia/css/bootstrap-italia.min.css")?,
        version("app.css")?
    );
    fs::write(site_dir().join("assets.txt"), manifest).map_err(|e| e.to_string())?;
    Ok(name)
}

/// What every staff page downloads, gzip: the hydrate wasm and its glue, and the
/// stylesheets (Bootstrap Italia's and the app's), as one line for `site`'s report.
fn staff_bundle(pkg: &Path, hydrate: &str, assets: &Path) -> Result<String> {
    let gz = |path: PathBuf| -> Result<usize> {
        let bytes = fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        Ok(gzip(&bytes).len())
    };
    let wasm = gz(pkg.join(format!("{hydrate}_bg.wasm")))?;
    let js = gz(pkg.join(format!("{hydrate}.js")))?;
    let css = gz(assets.join("bootstrap-italia/css/bootstrap-italia.min.css"))? + gz(assets.join("app.css"))?;
    Ok(format!(
        "staff app: {} KiB gzip (hydrate wasm {} KiB + js {} KiB + css {} KiB)",
        (wasm + js + css) / 1024,
        wasm / 1024,
        js / 1024,
        css / 1024
    ))
}

/// The council-site widgets into `target/site/widgets/v1`: one wasm per widget with its
/// glue and stylesheet, MapLibre GL JS and the map's font, all under content-hashed names,
/// each with a gzip copy beside it; and the loader `openwelfare.js` (a stable URL) that
/// names them. Prints each widget's gzip size (the budget of the widgets issue).
fn widgets(tools: &Tools) -> Result {
    // Earlier builds' hashed files stay: a loader cached before a deploy still finds them.
    let dest = site_dir().join("widgets/v1");
    fs::create_dir_all(&dest).map_err(|e| e.to_string())?;
    // name-<hash>.ext (or a folder named so), so a new build never meets an old cached copy.
    let write = |name: &str, bytes: &[u8]| -> Result {
        let path = dest.join(name);
        fs::create_dir_all(path.parent().unwrap_or(&dest)).map_err(|e| e.to_string())?;
        fs::write(&path, bytes).map_err(|e| format!("{}: {e}", path.display()))?;
        let gz = gzip(bytes);
        if gz.is_empty() {
            return Ok(());
        }
        fs::write(path.with_extension(format!("{}.gz", ext_of(name))), gz).map_err(|e| e.to_string())
    };
    let read = |path: &Path| fs::read(path).map_err(|e| format!("{}: {e}", path.display()));
    let hashed = |stem: &str, ext: &str, bytes: &[u8]| -> Result<String> {
        let name = format!("{stem}-{:016x}.{ext}", fnv1a_bytes(bytes));
        write(&name, bytes)?;
        Ok(name)
    };

    let mut manifest = Vec::new();
    let mut sizes = Vec::new();
    for widget in ["finder", "map", "benefits"] {
        run(cargo()
            .args(["build", "-p", "widgets", "--target", "wasm32-unknown-unknown", "--profile", "wasm-release"])
            .args(["--no-default-features", "--features", widget]))?;
        let out = target_dir().join("widgets-bindgen");
        let _ = fs::remove_dir_all(&out);
        run(Command::new(&tools.wasm_bindgen)
            .arg(target_dir().join("wasm32-unknown-unknown/wasm-release/widgets.wasm"))
            .args(["--target", "web", "--no-typescript", "--out-name", widget, "--out-dir"])
            .arg(&out))?;
        let bg = out.join(format!("{widget}_bg.wasm"));
        run(Command::new(tools.node_modules.join("binaryen/bin/wasm-opt"))
            .arg(&bg)
            .args(["-Oz", "--enable-bulk-memory", "--enable-nontrapping-float-to-int", "-o"])
            .arg(&bg))?;
        let css =
            [read(&root().join("widgets/common.css"))?, read(&root().join(format!("widgets/{widget}.css")))?].concat();
        let (js, wasm) = (read(&out.join(format!("{widget}.js")))?, read(&bg)?);
        let names = (hashed(widget, "js", &js)?, hashed(widget, "wasm", &wasm)?, hashed(widget, "css", &css)?);
        manifest.push(format!(r#"{widget}: {{ js: "{}", wasm: "{}", css: "{}" }}"#, names.0, names.1, names.2));
        sizes.push((widget, [&js, &wasm, &css].iter().map(|b| gzip(b).len()).sum::<usize>()));
    }

    // MapLibre finds its worker next to itself by a fixed name: the pair goes in a folder
    // named after both files' hash. Source-map comments are dropped (no maps are served).
    let maplibre = tools.node_modules.join("maplibre-gl/dist");
    let strip = |bytes: Vec<u8>| -> Vec<u8> {
        let text = String::from_utf8_lossy(&bytes);
        text.lines().filter(|l| !l.starts_with("//# sourceMappingURL=")).collect::<Vec<_>>().join("\n").into_bytes()
    };
    let (ml_js, ml_worker) =
        (strip(read(&maplibre.join("maplibre-gl.mjs"))?), strip(read(&maplibre.join("maplibre-gl-worker.mjs"))?));
    let ml_css = read(&maplibre.join("maplibre-gl.css"))?;
    let folder = format!("maplibre-gl-{:016x}", fnv1a_bytes(&[ml_js.as_slice(), &ml_worker, &ml_css].concat()));
    write(&format!("{folder}/maplibre-gl.mjs"), &ml_js)?;
    write(&format!("{folder}/maplibre-gl-worker.mjs"), &ml_worker)?;
    write(&format!("{folder}/maplibre-gl.css"), &ml_css)?;
    fs::copy(maplibre.join("../LICENSE.txt"), dest.join(&folder).join("LICENSE.txt")).map_err(|e| e.to_string())?;
    let font_dir = tools.node_modules.join("bootstrap-italia/dist/fonts/Titillium_Web");
    let font =
        hashed("titillium-web-600", "woff2", &read(&font_dir.join("titillium-web-v10-latin-ext_latin-600.woff2"))?)?;
    fs::copy(font_dir.join("OFL.txt"), dest.join("titillium-web-OFL.txt")).map_err(|e| e.to_string())?;
    manifest.push(format!(
        r#"maplibre: {{ js: "{folder}/maplibre-gl.mjs", css: "{folder}/maplibre-gl.css" }}, font: "{font}""#
    ));

    let loader = fs::read_to_string(root().join("widgets/loader.js")).map_err(|e| e.to_string())?;
    let loader = loader.replace("__ASSETS__", &format!("{{ {} }}", manifest.join(", ")));
    write("openwelfare.js", loader.as_bytes())?;
    let loader_size = gzip(loader.as_bytes()).len();
    for (widget, size) in sizes {
        println!(
            "widgets: {widget} {} KiB gzip (wasm + js + css; + loader {} KiB; budget 200 KB)",
            size / 1024,
            loader_size / 1024
        );
    }
    let ml_size = [&ml_js, &ml_worker, &ml_css].iter().map(|b| gzip(b).len()).sum::<usize>();
    println!("widgets: MapLibre GL JS {} KiB gzip (module + worker + css; outside the budget)", ml_size / 1024);
    Ok(())
}

/// The extension of a file name (`js`, `wasm`, …), for the name of its gzip copy.
fn ext_of(name: &str) -> &str {
    name.rsplit_once('.').map_or("", |(_, ext)| ext)
}

fn fnv1a_bytes(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf29ce484222325, |h, b| (h ^ u64::from(*b)).wrapping_mul(0x100000001b3))
}

/// `gzip -9` of `bytes` (Debian's gzip), or nothing when it cannot run.
fn gzip(bytes: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let Ok(mut child) = Command::new("gzip").arg("-9cn").stdin(Stdio::piped()).stdout(Stdio::piped()).spawn() else {
        return Vec::new();
    };
    // Written from another thread: gzip's output would fill its pipe before the input ends.
    let writer = child.stdin.take().map(|mut stdin| {
        let bytes = bytes.to_vec();
        std::thread::spawn(move || stdin.write_all(&bytes))
    });
    let output = child.wait_with_output().map(|o| o.stdout).unwrap_or_default();
    if let Some(w) = writer {
        let _ = w.join();
    }
    output
}

fn build(release: bool) -> Result {
    site()?;
    let mut cmd = cargo();
    cmd.args(["build", "-p", "server"]);
    if release {
        cmd.arg("--release");
    }
    run(&mut cmd)
}

fn demo(args: &[String]) -> Result {
    let mut addr = "127.0.0.1:3000".to_string();
    let mut reset = false;
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--addr" => addr = it.next().ok_or("--addr needs HOST:PORT")?.clone(),
            "--reset" => reset = true,
            other => return Err(format!("unknown option {other}\n{USAGE}")),
        }
    }
    build(true)?;
    let data = root().join("data");
    let db_file = data.join("openwelfare.sqlite");
    let mail_file = data.join("demo-mail.jsonl");
    if reset {
        for suffix in ["", "-wal", "-shm"] {
            let _ = fs::remove_file(format!("{}{suffix}", db_file.display()));
        }
        // The old database's checkpoints and mail go with it (the audit key stays).
        let _ = fs::remove_dir_all(data.join("audit-checkpoints"));
        let _ = fs::remove_file(&mail_file);
    }
    fs::create_dir_all(&data).map_err(|e| e.to_string())?;
    let bin = target_dir().join("release/openwelfare");
    let openwelfare = |sub: &[&str]| {
        let mut cmd = Command::new(&bin);
        cmd.args(sub)
            .current_dir(root())
            .env("OW_DATABASE_URL", format!("sqlite://{}?mode=rwc", db_file.display()))
            .env("OW_SITE_ROOT", site_dir())
            .env("OW_ADDR", &addr)
            .env("OW_SMTP_URL", format!("smtp://{DEMO_SMTP_ADDR}"))
            .env("OW_MAIL_FROM", "OpenWelfare demo <noreply@demo.openwelfare.it>")
            .env("OW_DEMO_MAIL_FILE", &mail_file);
        cmd
    };
    run(&mut openwelfare(&["migrate", "up"]))?;
    run(&mut openwelfare(&["seed-demo"]))?;
    // A council's website on another origin, embedding the widgets.
    let widget_origin = format!("http://{addr}");
    let mut site = openwelfare(&["sample-site", "--addr", SAMPLE_SITE_ADDR, "--widget-origin", &widget_origin])
        .spawn()
        .map_err(|e| format!("cannot start the sample site: {e}"))?;
    // A local SMTP server that keeps what the product sends, shown at /demo/mail.
    let tools = ensure_tools()?;
    let port = DEMO_SMTP_ADDR.rsplit(':').next().unwrap_or("2525");
    let mut sink = Command::new("node")
        .arg(root().join("tools/mail-sink.mjs"))
        .arg(port)
        .arg(&mail_file)
        .env("OW_NODE_MODULES", &tools.node_modules)
        .spawn()
        .map_err(|e| format!("cannot start the demo's SMTP sink: {e}"))?;
    println!("Demo mail (reset links, invitations): http://{addr}/demo/mail");
    let served = run(&mut openwelfare(&["serve"]));
    for child in [&mut site, &mut sink] {
        let _ = child.kill();
        let _ = child.wait();
    }
    served
}

/// Where `cargo xtask demo` runs its local SMTP sink.
const DEMO_SMTP_ADDR: &str = "127.0.0.1:2525";

/// Where `cargo xtask demo` serves the sample council website.
const SAMPLE_SITE_ADDR: &str = "127.0.0.1:3001";

/// Runs every test and ends with one summary line.
fn test() -> Result {
    let started = Instant::now();
    site()?;
    // The e2e tests start this binary against the bundle built above.
    run(cargo().args(["build", "-p", "server"]))?;
    ensure_chromium();
    if env::var_os("OW_TEST_POSTGRES_URL").is_none() {
        println!("note: OW_TEST_POSTGRES_URL is not set; the PostgreSQL half of the suite is skipped.");
    }
    let tools = ensure_tools()?;
    let mut cmd = cargo();
    cmd.args(["test", "--workspace", "--exclude", "frontend", "--no-fail-fast"])
        .env("OW_SITE_ROOT", site_dir())
        .env("OW_NODE_MODULES", &tools.node_modules)
        .env("OW_SERVER_BIN", target_dir().join("debug/openwelfare"))
        .stdout(Stdio::piped());
    println!("$ {cmd:?}");
    let mut child = cmd.spawn().map_err(|e| format!("cannot run cargo test: {e}"))?;
    let (mut passed, mut failed, mut ignored) = (0u64, 0u64, 0u64);
    if let Some(out) = child.stdout.take() {
        for line in BufReader::new(out).lines().map_while(std::result::Result::ok) {
            println!("{line}");
            if let Some(rest) = line.strip_prefix("test result: ") {
                // "ok. 8 passed; 0 failed; 1 ignored; …": the number before each word.
                let count = |word: &str| {
                    rest.split(';').find_map(|part| {
                        let mut words = part.split_whitespace().rev();
                        (words.next() == Some(word)).then(|| words.next()?.parse::<u64>().ok()).flatten()
                    })
                };
                passed += count("passed").unwrap_or(0);
                failed += count("failed").unwrap_or(0);
                ignored += count("ignored").unwrap_or(0);
            }
        }
    }
    let status = child.wait().map_err(|e| e.to_string())?;
    println!();
    println!("== OpenWelfare test summary ({:.0?}) ==", started.elapsed());
    println!("{passed} passed, {failed} failed, {ignored} skipped");
    if status.success() && failed == 0 {
        Ok(())
    } else {
        Err("some tests failed".into())
    }
}

/// The browser tests need Debian's chromium; install it when missing and allowed (root).
fn ensure_chromium() {
    if Path::new("/usr/bin/chromium").exists() {
        return;
    }
    let is_root = Command::new("id").arg("-u").output().is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0");
    if is_root && has("apt-get") {
        println!("Installing Debian chromium for the browser tests…");
        let _ = run(Command::new("apt-get").arg("update").arg("-qq"));
        let _ = run(Command::new("apt-get")
            .args(["install", "-y", "-qq", "chromium"])
            .env("DEBIAN_FRONTEND", "noninteractive"));
    } else {
        println!("note: /usr/bin/chromium is missing and cannot be installed here; the browser tests will fail.");
    }
}

/// `cargo xtask bench wasm`: the rules engine compiled as the checker ships it
/// (`wasm-release`, wasm-opt -Oz) and run in Chromium: one household against 200
/// benefits, with the reasons in words and without (the goal is < 1 ms).
fn bench_wasm() -> Result {
    let tools = ensure_tools()?;
    ensure_chromium();
    run(cargo()
        .args(["build", "-p", "widgets", "--target", "wasm32-unknown-unknown", "--profile", "wasm-release"])
        .args(["--no-default-features", "--features", "bench"]))?;
    let out = target_dir().join("bench-wasm");
    let _ = fs::remove_dir_all(&out);
    run(Command::new(&tools.wasm_bindgen)
        .arg(target_dir().join("wasm32-unknown-unknown/wasm-release/widgets.wasm"))
        .args(["--target", "web", "--no-typescript", "--out-name", "bench", "--out-dir"])
        .arg(&out))?;
    let bg = out.join("bench_bg.wasm");
    run(Command::new(tools.node_modules.join("binaryen/bin/wasm-opt"))
        .arg(&bg)
        .args(["-Oz", "--enable-bulk-memory", "--enable-nontrapping-float-to-int", "-o"])
        .arg(&bg))?;
    run(Command::new("node")
        .arg(root().join("e2e/browser/bench-wasm.mjs"))
        .env("OW_NODE_MODULES", &tools.node_modules)
        .env("NODE_PATH", &tools.node_modules)
        .env("OW_BENCH_WASM_DIR", &out)
        .env("OW_BENCH_RULES", root().join("eligibility/rules/national.json")))
}

/// `cargo xtask bench`: the directory search benchmark. Builds the release server, loads
/// 50 tenants × 1,000 facilities into a fresh SQLite file (and a fresh PostgreSQL database
/// when `OW_BENCH_POSTGRES_URL` is set), serves it on loopback and runs `wrk` (64
/// connections) against the search endpoint and `/healthz` in one run. Prints the
/// throughput ratio search/healthz, p50/p99 latency and errors.
/// `which`: `directory` (the public search), `cases` (the case record), or both.
fn bench(which: Option<&str>) -> Result {
    let (directory, cases) = match which {
        None => (true, true),
        Some("directory") => (true, false),
        Some("cases") => (false, true),
        Some("wasm") => return bench_wasm(),
        Some(other) => return Err(format!("unknown benchmark {other}\n{USAGE}")),
    };
    ensure_wrk()?;
    run(cargo().args(["build", "--release", "-p", "server"]))?;
    let bin = target_dir().join("release/openwelfare");
    let dir = target_dir().join("bench");
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    // (label, URL to load the data with, URL to serve with)
    let sqlite = format!("sqlite://{}/bench.sqlite?mode=rwc", dir.display());
    let mut backends = vec![("sqlite", sqlite.clone(), sqlite)];
    let pg = env::var("OW_BENCH_POSTGRES_URL").ok();
    let name = format!("ow_bench_{}", std::process::id());
    if let Some(admin) = &pg {
        run(Command::new("psql").args([admin.as_str(), "-qc", &format!("DROP DATABASE IF EXISTS {name}")]))?;
        run(Command::new("psql").args([admin.as_str(), "-qc", &format!("CREATE DATABASE {name}")]))?;
        let base = admin.rsplit_once('/').map(|(b, _)| b.to_string()).unwrap_or(admin.clone());
        let owner = format!("{base}/{name}");
        // Served as a plain role, as in production, so row-level security applies.
        let app = base.replacen("://postgres@", &format!("://{BENCH_ROLE}@"), 1);
        backends.push(("postgres", owner, format!("{app}/{name}")));
    }
    let mut report = Vec::new();
    let mut case_report = Vec::new();
    for (i, (label, owner_url, serve_url)) in backends.iter().enumerate() {
        let addr = format!("127.0.0.1:{}", 39_100 + i);
        let openwelfare_on = |url: &str, args: &[&str]| {
            let mut c = Command::new(&bin);
            c.args(args).env("OW_DATABASE_URL", url).env("OW_SITE_ROOT", site_dir()).env("RUST_LOG", "warn");
            c
        };
        let openwelfare = |args: &[&str]| openwelfare_on(owner_url, args);
        run(&mut openwelfare(&["migrate", "up"]))?;
        if *label == "postgres" {
            run(Command::new("psql").args([owner_url.as_str(), "-qc", &bench_role_sql()]))?;
        }
        if cases {
            let addr = format!("127.0.0.1:{}", 39_200 + i);
            let seed = openwelfare(&[]);
            let serve = openwelfare_on(serve_url, &[]);
            case_report.extend(bench_cases(label, seed, serve, &addr, &dir)?);
        }
        if !directory {
            continue;
        }
        let started = Instant::now();
        let out = openwelfare(&["seed-bench", "--tenants", "50", "--per-tenant", "1000"])
            .output()
            .map_err(|e| e.to_string())?;
        if !out.status.success() {
            return Err(format!("seed-bench failed: {}", String::from_utf8_lossy(&out.stderr)));
        }
        let slug = String::from_utf8_lossy(&out.stdout).trim().to_string();
        println!("{label}: 50,000 facilities loaded in {:.0} s", started.elapsed().as_secs_f64());
        let mut server = openwelfare_on(serve_url, &["serve", "--addr", &addr])
            .stdout(Stdio::null())
            .spawn()
            .map_err(|e| e.to_string())?;
        wait_ready(&format!("http://{addr}/healthz"))?;
        let path = format!("/api/public/v1/{slug}/facilities?q=casa&area=anziani&radius_km=10");
        let search = format!("http://{addr}{path}&near=45.5397,10.2196");
        let health = format!("http://{addr}/healthz");
        // Every request at another position: nothing comes from the answer cache.
        let script = dir.join(format!("vary-{label}.lua"));
        let lua = format!(
            "math.randomseed(42)\nrequest = function()\n  local lat = 45.30 + math.random() * 0.50\n  \
             local lon = 9.80 + math.random() * 0.80\n  \
             return wrk.format(\"GET\", string.format(\"{path}&near=%.5f,%.5f\", lat, lon))\nend\n"
        );
        fs::write(&script, lua).map_err(|e| e.to_string())?;
        // The first search loads the public directory into memory: time it alone.
        let cold = Instant::now();
        http_get(&addr, &format!("{path}&near=45.5397,10.2196"))?;
        println!("{label}: first search (builds the in-memory directory) {:.0} ms", cold.elapsed().as_secs_f64() * 1e3);
        // Warm up, then measure all three in the same run.
        let _ = wrk(&search, 3, None, 64, None);
        let h = wrk(&health, 15, None, 64, None)?;
        let s = wrk(&search, 15, None, 64, None)?;
        let v = wrk(&search, 15, Some(&script), 64, None)?;
        let _ = server.kill();
        let _ = server.wait();
        report.push((format!("{label} same query"), s, h.rps));
        report.push((format!("{label} varying position"), v, h.rps));
    }
    if let Some(admin) = &pg {
        run(Command::new("psql").args([
            admin.as_str(),
            "-qc",
            &format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
        ]))?;
    }
    if !case_report.is_empty() {
        println!("\n== case record benchmark (wrk, 2 threads, loopback; 100,000 cases, 1,000,000 interventions; healthz at 8 connections) ==");
        println!(
            "{:<34} {:>9} {:>12} {:>7} {:>9} {:>9} {:>7}",
            "backend / page", "rps", "healthz rps", "ratio", "p50 ms", "p99 ms", "errors"
        );
        for (label, r, h) in &case_report {
            let ratio = r.rps / h.max(1.0);
            println!(
                "{label:<34} {:>9.0} {h:>12.0} {ratio:>7.3} {:>9.2} {:>9.2} {:>7}",
                r.rps, r.p50_ms, r.p99_ms, r.errors
            );
        }
    }
    if report.is_empty() {
        return Ok(());
    }
    println!("\n== search benchmark (wrk, 64 connections, 2 threads, loopback; search = q + area + near) ==");
    println!(
        "{:<28} {:>11} {:>12} {:>7} {:>9} {:>9} {:>7}",
        "backend / query", "search rps", "healthz rps", "ratio", "p50 ms", "p99 ms", "errors"
    );
    for (label, s, h) in &report {
        println!(
            "{:<28} {:>11.0} {:>12.0} {:>7.2} {:>9.2} {:>9.2} {:>7}",
            label,
            s.rps,
            h,
            s.rps / h.max(1.0),
            s.p50_ms,
            s.p99_ms,
            s.errors
        );
    }
    Ok(())
}

/// The plain role the PostgreSQL benchmark serves as (README, Production).
const BENCH_ROLE: &str = "ow_bench_app";

fn bench_role_sql() -> String {
    format!(
        "DO $$ BEGIN CREATE ROLE {BENCH_ROLE} LOGIN NOSUPERUSER NOBYPASSRLS; \
         EXCEPTION WHEN duplicate_object THEN NULL; END $$; \
         GRANT USAGE ON SCHEMA public, tower_sessions TO {BENCH_ROLE}; \
         GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public, tower_sessions TO {BENCH_ROLE}; \
         GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {BENCH_ROLE};"
    )
}

struct WrkResult {
    rps: f64,
    p50_ms: f64,
    p99_ms: f64,
    errors: u64,
}

fn wrk(url: &str, seconds: u32, script: Option<&Path>, connections: u32, header: Option<&str>) -> Result<WrkResult> {
    let mut cmd = Command::new("wrk");
    // wrk needs at least one connection per thread.
    let threads = connections.min(2);
    cmd.args([&format!("-t{threads}"), &format!("-c{connections}"), &format!("-d{seconds}s"), "--latency"]);
    if let Some(s) = script {
        cmd.arg("-s").arg(s);
    }
    if let Some(h) = header {
        cmd.args(["-H", h]);
    }
    let out = cmd.arg(url).output().map_err(|e| format!("cannot run wrk: {e}"))?;
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    let ms = |v: &str| -> f64 {
        let v = v.trim();
        if let Some(x) = v.strip_suffix("us") {
            x.parse::<f64>().unwrap_or(f64::NAN) / 1000.0
        } else if let Some(x) = v.strip_suffix("ms") {
            x.parse().unwrap_or(f64::NAN)
        } else if let Some(x) = v.strip_suffix('s') {
            x.parse::<f64>().unwrap_or(f64::NAN) * 1000.0
        } else {
            f64::NAN
        }
    };
    let field =
        |prefix: &str| text.lines().find_map(|l| l.trim().strip_prefix(prefix).map(str::trim).map(str::to_string));
    let rps = field("Requests/sec:").and_then(|v| v.parse().ok()).ok_or(format!("no wrk result:\n{text}"))?;
    let errors = field("Non-2xx or 3xx responses:").and_then(|v| v.parse().ok()).unwrap_or(0)
        + field("Socket errors:")
            .map_or(0, |v| v.split(',').filter_map(|p| p.split_whitespace().last()?.parse::<u64>().ok()).sum());
    Ok(WrkResult {
        rps,
        p50_ms: field("50%").map_or(f64::NAN, |v| ms(&v)),
        p99_ms: field("99%").map_or(f64::NAN, |v| ms(&v)),
        errors,
    })
}

/// The case record benchmark on one backend: loads 100 000 cases with 10 interventions
/// each, signs in as one of the 25 social workers (4 000 cases) and measures, with the
/// session cookie, the server-rendered case list (filtered, paginated) and case pages,
/// with one connection and with eight, against `/healthz` in the same run. Every case page read is audited, as in real use.
fn bench_cases(
    label: &str,
    mut seed: Command,
    mut serve: Command,
    addr: &str,
    dir: &Path,
) -> Result<Vec<(String, WrkResult, f64)>> {
    let ids_file = dir.join(format!("case-ids-{label}.txt"));
    let started = Instant::now();
    let out = seed
        .args(["seed-bench-cases", "--cases", "100000", "--per-case", "10", "--ids-file"])
        .arg(&ids_file)
        .output()
        .map_err(|e| e.to_string())?;
    if !out.status.success() {
        return Err(format!("seed-bench-cases failed: {}", String::from_utf8_lossy(&out.stderr)));
    }
    println!("{label}: 100,000 cases and 1,000,000 interventions loaded in {:.0} s", started.elapsed().as_secs_f64());
    let ids: Vec<String> =
        fs::read_to_string(&ids_file).map_err(|e| e.to_string())?.lines().map(String::from).collect();
    let mut server = serve.args(["serve", "--addr", addr]).stdout(Stdio::null()).spawn().map_err(|e| e.to_string())?;
    let result = (|| {
        wait_ready(&format!("http://{addr}/healthz"))?;
        let cookie = sign_in(addr, "bench.worker0@openwelfare.invalid", "bench-password-2026")?;
        let header = format!("Cookie: {cookie}");
        // The pages measured are the real ones: the worker's case, rendered in full.
        let first = ids.first().ok_or("the worker has no cases")?;
        let page = http_get_with(addr, &format!("/cases/{first}"), &header)?;
        if !page.contains("case-title") || !page.contains("case-work") {
            return Err(format!("{label}: /cases/{first} did not render the case"));
        }
        // A random case of the worker's per request; a random area and page of the list.
        let pages = dir.join(format!("case-pages-{label}.lua"));
        let lua = format!(
            "math.randomseed(7)\nlocal ids = {{{}}}\nrequest = function()\n  \
             return wrk.format(\"GET\", \"/cases/\" .. ids[math.random(#ids)])\nend\n",
            ids.join(",")
        );
        fs::write(&pages, lua).map_err(|e| e.to_string())?;
        let lists = dir.join(format!("case-lists-{label}.lua"));
        let lua = "math.randomseed(7)\nlocal areas = {\"anziani\", \"disabili\", \"famiglia_minori\", \"poverta\"}\n\
             request = function()\n  return wrk.format(\"GET\", string.format(\"/cases?mine=true&status=open&area=%s&page=%d\", \
             areas[math.random(#areas)], math.random(5)))\nend\n";
        fs::write(&lists, lua).map_err(|e| e.to_string())?;
        let base = format!("http://{addr}");
        let _ = wrk(&format!("{base}/cases"), 3, Some(&pages), 8, Some(&header));
        let h = wrk(&format!("{base}/healthz"), 10, None, 8, None)?;
        let mut rows = Vec::new();
        // One worker alone (the page's own time), then eight at once (2 cores, shared
        // with wrk and, for PostgreSQL, the database).
        for connections in [1, 8] {
            let list = wrk(&format!("{base}/cases"), 10, Some(&lists), connections, Some(&header))?;
            let page = wrk(&format!("{base}/cases"), 10, Some(&pages), connections, Some(&header))?;
            for (what, r) in [("case list (mine, open, area)", list), ("case page", page)] {
                if r.rps < 1.0 || r.errors > 0 {
                    return Err(format!("{label} {what}: {} errors, {:.1} rps", r.errors, r.rps));
                }
                rows.push((format!("{label} {what}, {connections} conn."), r, h.rps));
            }
        }
        Ok(rows)
    })();
    let _ = server.kill();
    let _ = server.wait();
    result
}

/// Signs in through the API; returns the session cookie (`name=value`).
fn sign_in(addr: &str, email: &str, password: &str) -> Result<String> {
    use std::io::{Read, Write};
    let body = format!("{{\"email\":\"{email}\",\"password\":\"{password}\"}}");
    let mut conn = std::net::TcpStream::connect(addr).map_err(|e| e.to_string())?;
    write!(
        conn,
        "POST /api/v1/session HTTP/1.1\r\nHost: {addr}\r\nOrigin: http://{addr}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .map_err(|e| e.to_string())?;
    let mut answer = String::new();
    conn.read_to_string(&mut answer).map_err(|e| e.to_string())?;
    if !answer.lines().next().is_some_and(|l| l.contains(" 200 ")) {
        return Err(format!("sign-in refused: {}", answer.lines().next().unwrap_or_default()));
    }
    answer
        .lines()
        .find_map(|l| {
            let (name, value) = l.split_once(':')?;
            name.eq_ignore_ascii_case("set-cookie")
                .then(|| value.trim().split(';').next().unwrap_or_default().to_string())
        })
        .ok_or_else(|| "sign-in set no cookie".to_string())
}

/// One GET on a fresh connection; fails unless the answer is 200.
fn http_get(addr: &str, path: &str) -> Result {
    http_get_with(addr, path, "").map(drop)
}

/// One GET with an extra header line (or none); the answer when it is 200.
fn http_get_with(addr: &str, path: &str, header: &str) -> Result<String> {
    use std::io::{Read, Write};
    let mut conn = std::net::TcpStream::connect(addr).map_err(|e| e.to_string())?;
    let extra = if header.is_empty() { String::new() } else { format!("{header}\r\n") };
    write!(conn, "GET {path} HTTP/1.1\r\nHost: {addr}\r\n{extra}Connection: close\r\n\r\n")
        .map_err(|e| e.to_string())?;
    let mut answer = Vec::new();
    conn.read_to_end(&mut answer).map_err(|e| e.to_string())?;
    let answer = String::from_utf8_lossy(&answer).to_string();
    match answer.lines().next() {
        Some(status) if status.contains(" 200 ") => Ok(answer),
        other => Err(format!("GET {path}: {other:?}")),
    }
}

fn wait_ready(url: &str) -> Result {
    for _ in 0..100 {
        let ok = Command::new("wrk").args(["-t1", "-c1", "-d1s", url]).output().map(|o| {
            let t = String::from_utf8_lossy(&o.stdout).to_string();
            o.status.success() && !t.contains("Socket errors: connect") && t.contains("Requests/sec")
        });
        if ok.unwrap_or(false) {
            return Ok(());
        }
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    Err(format!("server did not answer at {url}"))
}

fn ensure_wrk() -> Result {
    if Command::new("wrk").arg("--version").output().is_ok() {
        return Ok(());
    }
    run(Command::new("apt-get").args(["install", "-y", "-qq", "wrk"]))
}
