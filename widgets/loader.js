// OpenWelfare widgets, version 1. A council site adds
//   <script type="module" src="https://HOST/widgets/v1/openwelfare.js"></script>
// and the elements below. This file keeps its URL; what it loads has content-hashed
// names (cached for good), and each widget's code loads only when the page uses it.
const here = new URL(import.meta.url);
// Filled in by `cargo xtask site` with the hashed file names.
const assets = __ASSETS__;
const loading = {};

function load(name) {
  loading[name] ??= import(new URL(assets[name].js, here).href)
    .then(async (module) => {
      await module.default({ module_or_path: new URL(assets[name].wasm, here) });
      return module;
    })
    .catch((error) => {
      // The next element on the page tries again.
      delete loading[name];
      throw error;
    });
  return loading[name];
}

const failed = {
  it: "Il servizio non si è caricato. Riprova più tardi.",
  en: "The service could not load. Please try again later.",
};

class OwServiceFinder extends HTMLElement {
  connectedCallback() {
    if (this.shadowRoot) return;
    const root = this.attachShadow({ mode: "open" });
    this.dataset.state = "loading";
    load("finder")
      .then((m) => m.mount_finder(this, root, here.origin, new URL(assets.finder.css, here).href))
      .catch(() => {
        this.dataset.state = "error";
        const message = document.createElement("p");
        message.setAttribute("role", "status");
        message.textContent = failed[this.getAttribute("lang")] ?? failed.it;
        root.replaceChildren(message);
      });
  }
}

if (!customElements.get("ow-service-finder")) customElements.define("ow-service-finder", OwServiceFinder);
