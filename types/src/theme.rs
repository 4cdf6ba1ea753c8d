//! A tenant's look in the widgets: its main colour, checked for contrast, and its logo.

use serde::{Deserialize, Serialize};
#[cfg(feature = "openapi")]
use utoipa::ToSchema;

/// Text and the colour it sits on must differ by this much (WCAG 2.1, 1.4.3, normal text).
pub const MIN_CONTRAST: f64 = 4.5;

/// `#rrggbb` (case-insensitive) as red, green, blue.
pub fn parse_hex(colour: &str) -> Option<[u8; 3]> {
    let hex = colour.strip_prefix('#').filter(|h| h.len() == 6 && h.bytes().all(|b| b.is_ascii_hexdigit()))?;
    let byte = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).ok();
    Some([byte(0)?, byte(2)?, byte(4)?])
}

/// Relative luminance (WCAG 2.1 definition).
fn luminance(rgb: [u8; 3]) -> f64 {
    let channel = |c: u8| {
        let c = f64::from(c) / 255.0;
        if c <= 0.039_28 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * channel(rgb[0]) + 0.7152 * channel(rgb[1]) + 0.0722 * channel(rgb[2])
}

/// Contrast ratio between two colours, from 1 (same) to 21 (black on white).
pub fn contrast(a: [u8; 3], b: [u8; 3]) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

/// What the widgets of a tenant show by default (a council page's own `--ow-primary`
/// wins): the tenant's colour and logo, or its nearest ancestor's.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PublicThemeOut {
    /// The name of the tenant whose logo is shown (its text alternative), else the
    /// tenant's own.
    pub name: String,
    /// `#rrggbb`, at least 4.5:1 against white.
    pub primary: Option<String>,
    /// Path of the logo on the widget origin, with its version.
    pub logo: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contrast_follows_wcag() {
        let white = [255, 255, 255];
        assert!((contrast([0, 0, 0], white) - 21.0).abs() < 0.01);
        // Bootstrap Italia's primary blue passes for text on white; a light blue does not.
        assert!(contrast(parse_hex("#0066CC").unwrap(), white) >= MIN_CONTRAST);
        assert!(contrast(parse_hex("#66aaff").unwrap(), white) < MIN_CONTRAST);
        assert_eq!(parse_hex("0066cc"), None);
        assert_eq!(parse_hex("#0066c"), None);
        assert_eq!(parse_hex("#00É6cc"), None);
    }
}
