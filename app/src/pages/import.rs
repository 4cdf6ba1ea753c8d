//! CSV import for tenant and province admins: pick a file and a mapping, check it (dry
//! run, the default) to get a row-by-row report, then import. Nothing is written while
//! any row has a problem. The file goes up as multipart form data, read in the browser
//! from the form itself.

use leptos::prelude::*;
use leptos::wasm_bindgen::JsCast;
use leptos::web_sys::{FormData, HtmlFormElement, SubmitEvent};
use types::directory::{FacilityTypeOut, ImportReport};
use types::Lang;

use super::{Scrolls, SignedIn};
use crate::api::directory::{facility_types, import_facilities, ImportEvent};
use crate::api::UiError;
use crate::islands::island_ui;
use crate::use_ui;

#[component]
pub fn ImportPage() -> impl IntoView {
    let ui = use_ui();
    let types = Resource::new(|| (), |_| facility_types());
    view! {
        <SignedIn>
            <p><a href="/facilities">{move || ui.t("facilities.back")}</a></p>
            <h1 class="h2 mb-3">{move || ui.t("import.title")}</h1>
            <p>{move || ui.t("import.intro")}</p>
            <Suspense fallback=move || view! { <p>{ui.t("common.loading")}</p> }>
                {move || Suspend::new(async move {
                    let types = types.await.unwrap_or_default();
                    view! { <ImportForm lang=ui.lang() types/> }
                })}
            </Suspense>
        </SignedIn>
    }
}

/// The file, the options, and the progress and outcome of each run.
#[island]
fn ImportForm(lang: Lang, types: Vec<FacilityTypeOut>) -> impl IntoView {
    let ui = island_ui(lang);
    let (progress, set_progress) = signal(None::<(u64, u64)>);
    let upload = Action::new_local(move |data: &FormData| {
        let data = data.clone();
        async move {
            set_progress.set(None);
            let outcome = read_events(import_facilities(data.into()).await?, set_progress).await;
            set_progress.set(None);
            outcome
        }
    });
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let Some(form) = ev.target().and_then(|t| t.dyn_into::<HtmlFormElement>().ok()) else { return };
        if let Ok(data) = FormData::new_with_form(&form) {
            upload.dispatch_local(data);
        }
    };
    let targets = types::directory::IMPORT_TARGETS.join(", ");
    view! {
            <form on:submit=on_submit id="import-form">
                <div class="form-group mb-4">
                    <label for="import-file" class="active">{move || ui.t("import.file")}</label>
                    <input type="file" id="import-file" name="file" class="form-control" accept=".csv,text/csv" required/>
                </div>
                <div class="row">
                    <div class="form-group mb-4 col-md-4">
                        <label for="import-preset" class="active">{move || ui.t("import.preset")}</label>
                        <select id="import-preset" name="preset" class="form-select">
                            <option value="">{move || ui.t("import.preset.custom")}</option>
                            <option value="lombardia-rsa">{move || ui.t("import.preset.lombardia_rsa")}</option>
                            <option value="lombardia-cdi">{move || ui.t("import.preset.lombardia_cdi")}</option>
                            <option value="lombardia-offerta-sociale">{move || ui.t("import.preset.lombardia_offerta_sociale")}</option>
                        </select>
                    </div>
                    <div class="form-group mb-4 col-md-4">
                        <label for="import-type" class="active">{move || ui.t("field.facility_type")}</label>
                        <select id="import-type" name="type" class="form-select">
                            <option value="">{move || ui.t("import.type_from_preset")}</option>
                            {types.into_iter().map(|t| view! {
                                <option value=t.code.clone()>{t.label.clone()}</option>
                            }).collect_view()}
                        </select>
                    </div>
                    <div class="form-group mb-4 col-md-4">
                        <label for="import-source" class="active">{move || ui.t("import.source")}</label>
                        <input type="text" id="import-source" name="source" class="form-control" maxlength="40" placeholder="csv"/>
                    </div>
                </div>
                <div class="form-group mb-4">
                    <label for="import-mapping" class="active">{move || ui.t("import.mapping")}</label>
                    <textarea id="import-mapping" name="mapping" class="form-control" rows="3" aria-describedby="import-mapping-help"
                        placeholder="code=Codice, name=Denominazione, address=Indirizzo, comune=Istat"></textarea>
                    <small class="form-text" id="import-mapping-help">{move || ui.t("import.mapping_help")} " " <code>{targets.clone()}</code></small>
                </div>
                <div class="d-flex flex-wrap gap-4 mb-4">
                    <div class="form-check m-0">
                        <input type="checkbox" id="import-publish" name="publish" value="true"/>
                        <label for="import-publish">{move || ui.t("import.publish")}</label>
                    </div>
                    <div class="form-check m-0">
                        <input type="checkbox" id="import-skip" name="skip_outside" value="true"/>
                        <label for="import-skip">{move || ui.t("import.skip_outside")}</label>
                    </div>
                </div>
                <fieldset class="mb-4">
                    <legend class="h6">{move || ui.t("import.mode")}</legend>
                    <div class="form-check">
                        <input type="radio" id="mode-check" name="mode" value="check" checked/>
                        <label for="mode-check">{move || ui.t("import.mode.check")}</label>
                    </div>
                    <div class="form-check">
                        <input type="radio" id="mode-apply" name="mode" value="apply"/>
                        <label for="mode-apply">{move || ui.t("import.mode.apply")}</label>
                    </div>
                </fieldset>
                <button type="submit" class="btn btn-primary" disabled=move || upload.pending().get()>
                    {move || ui.t(if upload.pending().get() { "import.working" } else { "import.submit" })}
                </button>
            </form>
            {move || progress.get().filter(|_| upload.pending().get()).map(|(done, total)| {
                let percent = (done * 100).checked_div(total).unwrap_or(0);
                let text = ui.tf("import.progress", &[("done", &done.to_string()), ("total", &total.to_string())]);
                view! {
                    <div class="progress mt-4" id="import-progress">
                        <div class="progress-bar" role="progressbar" style=format!("width: {percent}%")
                            aria-valuenow=percent aria-valuemin="0" aria-valuemax="100" aria-valuetext=text.clone()></div>
                    </div>
                    <p class="small mt-1">{text}</p>
                }
            })}
            <div aria-live="polite" id="import-result" aria-busy=move || upload.pending().get().to_string()>
                {move || upload.value().get().map(|r| match r {
                    Err(e) => view! { <ImportError e/> }.into_any(),
                    Ok(report) => view! { <Report report/> }.into_any(),
                })}
            </div>
    }
}

/// Follows the import's lines (`ImportEvent`): progress to `set_progress`, then the outcome.
async fn read_events(
    stream: leptos::server_fn::codec::TextStream<UiError>,
    set_progress: WriteSignal<Option<(u64, u64)>>,
) -> Result<ImportReport, UiError> {
    use futures::StreamExt;
    let mut stream = stream.into_inner();
    let mut pending = String::new();
    while let Some(chunk) = stream.next().await {
        pending.push_str(&chunk?);
        while let Some(end) = pending.find('\n') {
            let line: String = pending.drain(..=end).collect();
            match serde_json::from_str::<ImportEvent>(line.trim()) {
                Ok(ImportEvent::Progress { done, total }) => set_progress.set(Some((done, total))),
                Ok(ImportEvent::Done(report)) => return Ok(report),
                Ok(ImportEvent::Failed(e)) => return Err(UiError(e)),
                // Not ours: skip it and keep reading.
                Err(_) => continue,
            }
        }
    }
    // The answer ended without an outcome (the connection dropped).
    Err(UiError(types::ApiError { code: types::ErrorCode::Unavailable, message: String::new(), fields: vec![] }))
}

#[component]
fn ImportError(e: UiError) -> impl IntoView {
    let ui = use_ui();
    view! {
        <div class="alert alert-danger mt-4" role="alert">
            <p class="mb-1">{e.message(ui.lang())}</p>
            <ul class="mb-0">
                {e.0.fields.into_iter().map(|f| view! { <li><code>{f.field}</code> ": " {f.message}</li> }).collect_view()}
            </ul>
        </div>
    }
}

#[component]
fn Report(report: ImportReport) -> impl IntoView {
    let ui = use_ui();
    let n = |v: u64| v.to_string();
    let summary = ui.tf(
        "import.summary",
        &[
            ("rows", &n(report.rows)),
            ("created", &n(report.created)),
            ("updated", &n(report.updated)),
            ("unchanged", &n(report.unchanged)),
            ("skipped", &n(report.skipped)),
        ],
    );
    let (class, outcome) = if report.applied {
        ("alert alert-success mt-4", "import.applied")
    } else if report.issues.is_empty() {
        ("alert alert-info mt-4", "import.checked")
    } else {
        ("alert alert-warning mt-4", "import.refused")
    };
    view! {
        <div class=class role="status">
            <p class="mb-1"><strong>{ui.t(outcome)}</strong></p>
            <p class="mb-0">{summary}</p>
        </div>
        {(!report.by_tenant.is_empty()).then(|| view! {
            <Scrolls label="import.by_tenant"><table class="table table-sm" id="import-tenants">
                <caption>{ui.t("import.by_tenant")}</caption>
                <tbody>
                    {report.by_tenant.into_iter().map(|t| view! { <tr><td>{t.slug}</td><td class="text-end">{t.rows}</td></tr> }).collect_view()}
                </tbody>
            </table></Scrolls>
        })}
        {(!report.issues.is_empty()).then(|| view! {
            <Scrolls label="import.issues"><table class="table table-sm" id="import-issues">
                <caption>{ui.t("import.issues")}</caption>
                <thead><tr>
                    <th scope="col">{ui.t("import.line")}</th>
                    <th scope="col">{ui.t("import.column")}</th>
                    <th scope="col">{ui.t("import.problem")}</th>
                </tr></thead>
                <tbody>
                    {report.issues.into_iter().take(500).map(|i| view! {
                        <tr><td>{i.line}</td><td><code>{i.field}</code></td><td>{i.message}</td></tr>
                    }).collect_view()}
                </tbody>
            </table></Scrolls>
        })}
    }
}
