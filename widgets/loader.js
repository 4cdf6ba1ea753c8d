// OpenWelfare widgets, version 1. A council site adds
//   <script type="module" src="https://HOST/widgets/v1/openwelfare.js"></script>
// and the elements below. This file keeps its URL; what it loads has content-hashed
// names (cached for good), and each widget's code loads only when the page uses it.
const here = new URL(import.meta.url);
// Filled in by `cargo xtask dist` with the hashed file names.
const assets = __ASSETS__;
const loading = {};
const url = (name) => new URL(name, here).href;

// Imports a module once; after a failure, the next element on the page tries again.
function once(key, make) {
  loading[key] ??= make().catch((error) => {
    delete loading[key];
    throw error;
  });
  return loading[key];
}

function load(name) {
  return once(name, () =>
    import(url(assets[name].js)).then(async (module) => {
      await module.default({ module_or_path: url(assets[name].wasm) });
      return module;
    }),
  );
}

const failed = {
  it: "Il servizio non si è caricato. Riprova più tardi.",
  en: "The service could not load. Please try again later.",
};

function showFailure(element, root) {
  element.dataset.state = "error";
  const message = document.createElement("p");
  message.setAttribute("role", "status");
  message.textContent = failed[element.getAttribute("lang")] ?? failed.it;
  root.replaceChildren(message);
}

class OwServiceFinder extends HTMLElement {
  connectedCallback() {
    if (this.shadowRoot) return;
    const root = this.attachShadow({ mode: "open" });
    this.dataset.state = "loading";
    load("finder")
      .then((m) => m.mount_finder(this, root, here.origin, url(assets.finder.css)))
      .catch(() => showFailure(this, root));
  }
}

class OwMap extends HTMLElement {
  connectedCallback() {
    if (this.shadowRoot) return;
    const root = this.attachShadow({ mode: "open" });
    this.dataset.state = "loading";
    const maplibre = once("maplibre", () => import(url(assets.maplibre.js)));
    const urls = { css: url(assets.map.css), maplibreCss: url(assets.maplibre.css), font: url(assets.font) };
    Promise.all([load("map"), maplibre])
      .then(([m, maplibregl]) => m.mount_map(this, root, here.origin, urls, maplibregl))
      .catch(() => showFailure(this, root));
  }
}

class OwBenefitsChecker extends HTMLElement {
  connectedCallback() {
    if (this.shadowRoot) return;
    const root = this.attachShadow({ mode: "open" });
    this.dataset.state = "loading";
    load("benefits")
      .then((m) => m.mount_benefits(this, root, here.origin, url(assets.benefits.css)))
      .catch(() => showFailure(this, root));
  }
}

if (!customElements.get("ow-service-finder")) customElements.define("ow-service-finder", OwServiceFinder);
if (!customElements.get("ow-map")) customElements.define("ow-map", OwMap);
if (!customElements.get("ow-benefits-checker")) customElements.define("ow-benefits-checker", OwBenefitsChecker);
