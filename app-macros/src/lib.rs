//! `#[staff_fn]`: a server function of the staff app, declared with the scope it runs in.
//!
//! ```text
//! /// Renames a district.
//! #[staff_fn]
//! pub async fn rename_district(t: Tenant, id: i64, name: String) -> Result<DistrictOut, UiError> {
//!     domain::districts::update_district(&t.db, &t.ctx, DistrictId(id), DistrictIn { name, code: None }).await
//! }
//! ```
//!
//! - The first argument names the scope: `Public` (anyone), `User` (a signed-in user) or
//!   `Tenant` (a signed-in user acting in the session's current tenant), the types of
//!   `app::api::scope`. It is resolved before the body runs and is not part of the
//!   request: a function cannot run in a scope other than the one it declares.
//! - The body is written in the domain's terms (`Result<T, AppError>`); its error is
//!   turned into the client's error once, in the caller's language, with its status.
//! - The function answers at `/sf/<name>` (or `endpoint = "<name>"`) and is registered with its scope in
//!   `app::api::registered()`, the list the cross-tenant test walks: a server function
//!   written without this attribute fails that test.
//! - `multipart = "<message key>"` takes multipart form data; a request that is not gets a
//!   field error on `file` with that message (the framework's decoder would panic).
//!   Other `key = value` pairs go to `#[server]` as they are (`output = StreamingText`).

use proc_macro::TokenStream;
use proc_macro2::Span;
use quote::quote;
use syn::punctuated::Punctuated;
use syn::{parse_macro_input, Expr, FnArg, Ident, ItemFn, Lit, MetaNameValue, Token, Type};

const SCOPES: [&str; 3] = ["Public", "User", "Tenant"];

#[proc_macro_attribute]
pub fn staff_fn(attr: TokenStream, item: TokenStream) -> TokenStream {
    let args = parse_macro_input!(attr with Punctuated::<MetaNameValue, Token![,]>::parse_terminated);
    let item = parse_macro_input!(item as ItemFn);
    expand(args, item).unwrap_or_else(syn::Error::into_compile_error).into()
}

fn expand(args: Punctuated<MetaNameValue, Token![,]>, mut item: ItemFn) -> syn::Result<proc_macro2::TokenStream> {
    if item.sig.asyncness.is_none() {
        return Err(syn::Error::new_spanned(&item.sig, "a staff_fn is an `async fn`"));
    }
    let mut name = item.sig.ident.to_string();
    let mut multipart = None;
    let mut server_args = Vec::new();
    for arg in args {
        if arg.path.is_ident("endpoint") {
            match &arg.value {
                Expr::Lit(syn::ExprLit { lit: Lit::Str(s), .. }) => name = s.value(),
                other => return Err(syn::Error::new_spanned(other, "endpoint = \"<name>\"")),
            }
        } else if arg.path.is_ident("multipart") {
            match &arg.value {
                Expr::Lit(lit) if matches!(lit.lit, Lit::Str(_)) => multipart = Some(lit.lit.clone()),
                other => return Err(syn::Error::new_spanned(other, "multipart = \"<message key>\"")),
            }
        } else {
            server_args.push(arg);
        }
    }
    let path = format!("/sf/{name}");
    let input = multipart.as_ref().map(|_| quote!(, input = ::leptos::server_fn::codec::MultipartFormData));
    let multipart = match &multipart {
        Some(key) => quote!(::core::option::Option::Some(#key)),
        None => quote!(::core::option::Option::None),
    };

    let first = item.sig.inputs.first().cloned();
    let (binding, scope) = match first {
        Some(FnArg::Typed(arg)) => match &*arg.ty {
            Type::Path(ty) if ty.qself.is_none() && ty.path.segments.len() == 1 => {
                let scope = ty.path.segments[0].ident.clone();
                if !SCOPES.contains(&scope.to_string().as_str()) {
                    return Err(syn::Error::new_spanned(
                        &arg.ty,
                        "the first argument is the scope: Public, User or Tenant",
                    ));
                }
                (arg.pat.clone(), scope)
            }
            _ => {
                return Err(syn::Error::new_spanned(&arg.ty, "the first argument is the scope: Public, User or Tenant"))
            }
        },
        _ => {
            return Err(syn::Error::new_spanned(
                &item.sig,
                "the first argument is the scope: `t: Tenant`, `u: User` or `p: Public`",
            ))
        }
    };
    item.sig.inputs = item.sig.inputs.into_iter().skip(1).collect();

    // Names the body cannot see or shadow.
    let lang = Ident::new("__staff_fn_lang", Span::mixed_site());
    let outcome = Ident::new("__staff_fn_outcome", Span::mixed_site());
    let body = &item.block;
    let scope_ty = quote!(crate::api::scope::#scope);
    let new_body: syn::Block = syn::parse_quote! {{
        let #binding: #scope_ty = <#scope_ty as crate::api::scope::Scope>::resolve().await?;
        let #lang = crate::api::scope::Scope::lang(&#binding);
        let #outcome: ::core::result::Result<_, ::domain::AppError> = async move #body.await;
        #outcome.map_err(|e| crate::api::fail(e, #lang))
    }};
    item.block = Box::new(new_body);

    let attrs = std::mem::take(&mut item.attrs);
    let server_args = server_args.iter();
    Ok(quote! {
        #(#attrs)*
        #[::leptos::server(prefix = "/sf", endpoint = #name #input #(, #server_args)*)]
        #item

        #[cfg(feature = "ssr")]
        ::inventory::submit! {
            crate::api::Registered {
                path: #path,
                scope: <#scope_ty as crate::api::scope::Scope>::KIND,
                multipart: #multipart,
            }
        }
    })
}
