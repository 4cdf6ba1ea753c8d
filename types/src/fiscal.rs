//! Italian tax identifiers: partita IVA (11 digits, Luhn-style check digit) and codice
//! fiscale (16 characters with a check letter for people; 11 digits for organisations).
//! Pure functions: the server validates with them and the app can use them as you type.

/// Upper-cases and drops spaces; a leading `IT` country prefix of a VAT number is removed.
pub fn normalise(code: &str) -> String {
    let s: String = code.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_uppercase();
    match s.strip_prefix("IT") {
        Some(rest) if rest.len() == 11 && rest.bytes().all(|b| b.is_ascii_digit()) => rest.to_string(),
        _ => s,
    }
}

/// An 11-digit partita IVA whose last digit checks.
pub fn partita_iva_ok(code: &str) -> bool {
    let b = code.as_bytes();
    if b.len() != 11 || !b.iter().all(u8::is_ascii_digit) {
        return false;
    }
    let sum: u32 = b[..10]
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let d = u32::from(c - b'0');
            match i % 2 {
                0 => d,
                _ if d * 2 > 9 => d * 2 - 9,
                _ => d * 2,
            }
        })
        .sum();
    (10 - sum % 10) % 10 == u32::from(b[10] - b'0')
}

/// Value of a character in an odd (1st, 3rd, …) position of a codice fiscale.
const ODD: [u32; 26] = [1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23];

/// The check letter of the first 15 characters of a personal codice fiscale.
fn check_letter(first15: &[u8]) -> Option<u8> {
    let mut sum = 0;
    for (i, &c) in first15.iter().enumerate() {
        let index = match c {
            b'0'..=b'9' => u32::from(c - b'0'),
            b'A'..=b'Z' => u32::from(c - b'A'),
            _ => return None,
        };
        sum += if i % 2 == 0 { ODD[index as usize] } else { index };
    }
    Some(b'A' + (sum % 26) as u8)
}

/// A codice fiscale: a person's (16 characters, layout and check letter; letters that
/// replace digits in cases of homocody are accepted) or an organisation's (11 digits).
pub fn codice_fiscale_ok(code: &str) -> bool {
    let b = code.as_bytes();
    if b.len() == 11 {
        return partita_iva_ok(code);
    }
    if b.len() != 16 {
        return false;
    }
    // Letters standing for digits after homocody.
    let digit = |c: u8| c.is_ascii_digit() || b"LMNPQRSTUV".contains(&c);
    let letter = |c: u8| c.is_ascii_uppercase();
    let layout = b[..6].iter().all(|&c| letter(c))
        && digit(b[6])
        && digit(b[7])
        && b"ABCDEHLMPRST".contains(&b[8])
        && digit(b[9])
        && digit(b[10])
        && letter(b[11])
        && b[12..15].iter().all(|&c| digit(c))
        && letter(b[15]);
    layout && check_letter(&b[..15]) == Some(b[15])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partite_iva() {
        // KOS Care S.r.l., from the Lombardy RSA register.
        assert!(partita_iva_ok("01148190547"));
        assert!(!partita_iva_ok("01148190548"));
        assert!(!partita_iva_ok("0114819054"));
        assert!(!partita_iva_ok("0114819054A"));
        assert_eq!(normalise(" it 01148190547 "), "01148190547");
    }

    #[test]
    fn codici_fiscali() {
        // The Agenzia delle Entrate's own example, and the usual specimens.
        for ok in ["MRTMTT25D09F205Z", "RSSMRA80A01H501U", "RSSMRA85T10A562S", "01148190547"] {
            assert!(codice_fiscale_ok(ok), "{ok}");
        }
        // Wrong check letter, wrong month letter, wrong length, lower case.
        for bad in ["MRTMTT25D09F205A", "MRTMTT25Z09F205Z", "MRTMTT25D09F205", "mrtmtt25d09f205z"] {
            assert!(!codice_fiscale_ok(bad), "{bad}");
        }
        // Homocody: a digit replaced by its letter (5 → R), check letter recomputed.
        let mut omo = b"MRTMTT25D09F2R5".to_vec();
        omo.push(check_letter(&omo).unwrap());
        assert!(codice_fiscale_ok(std::str::from_utf8(&omo).unwrap()));
    }
}
