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

/// Sex as a codice fiscale encodes it (day of birth + 40 for women).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sex {
    Female,
    Male,
}

/// What a person's codice fiscale says of their birth: the last two digits of the year,
/// the month, the day and the sex. `None` unless `codice_fiscale_ok`.
pub fn birth_of(code: &str) -> Option<(u32, u32, u32, Sex)> {
    if code.len() != 16 || !codice_fiscale_ok(code) {
        return None;
    }
    let b = code.as_bytes();
    // After homocody a letter stands for a digit: L=0, M=1, … V=9.
    let digit = |c: u8| match c {
        b'0'..=b'9' => Some(u32::from(c - b'0')),
        _ => b"LMNPQRSTUV".iter().position(|&l| l == c).map(|p| p as u32),
    };
    let year = digit(b[6])? * 10 + digit(b[7])?;
    let month = b"ABCDEHLMPRST".iter().position(|&l| l == b[8])? as u32 + 1;
    let day = digit(b[9])? * 10 + digit(b[10])?;
    let (day, sex) = if day > 40 { (day - 40, Sex::Female) } else { (day, Sex::Male) };
    (1..=31).contains(&day).then_some((year, month, day, sex))
}

/// Which of a person's stated birth date (`year`, `month`, `day`) and sex disagree with
/// their codice fiscale: `"birth_date"`, `"sex"`, both or neither. Nothing is compared
/// that was not stated.
pub fn disagreements(code: &str, birth: Option<(i32, u32, u32)>, sex: Option<Sex>) -> Vec<&'static str> {
    let Some((yy, month, day, coded_sex)) = birth_of(code) else { return Vec::new() };
    let mut out = Vec::new();
    if let Some((year, m, d)) = birth {
        if year.rem_euclid(100) as u32 != yy || m != month || d != day {
            out.push("birth_date");
        }
    }
    if sex.is_some_and(|s| s != coded_sex) {
        out.push("sex");
    }
    out
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

    #[test]
    fn birth_date_and_sex_agree_with_the_code() {
        // Matteo Moretti, born 9 April 1925 (the Agenzia's example): a man.
        assert_eq!(birth_of("MRTMTT25D09F205Z"), Some((25, 4, 9, Sex::Male)));
        assert!(disagreements("MRTMTT25D09F205Z", Some((1925, 4, 9)), Some(Sex::Male)).is_empty());
        assert_eq!(disagreements("MRTMTT25D09F205Z", Some((1925, 4, 10)), None), ["birth_date"]);
        assert_eq!(disagreements("MRTMTT25D09F205Z", None, Some(Sex::Female)), ["sex"]);
        // Born in 2025 or 1925: the code keeps two digits only.
        assert!(disagreements("MRTMTT25D09F205Z", Some((2025, 4, 9)), None).is_empty());
        // A woman: day + 40 (T10 → 10 December, male; build a female code from it).
        let mut woman = b"RSSMRA85T50A562".to_vec();
        woman.push(check_letter(&woman).unwrap());
        let woman = String::from_utf8(woman).unwrap();
        assert_eq!(birth_of(&woman), Some((85, 12, 10, Sex::Female)));
        assert_eq!(disagreements(&woman, Some((1985, 12, 10)), Some(Sex::Male)), ["sex"]);
        // Homocody in the day (0 → L): still 9 April.
        let mut omo = b"MRTMTT25DL9F205".to_vec();
        omo.push(check_letter(&omo).unwrap());
        assert_eq!(birth_of(std::str::from_utf8(&omo).unwrap()), Some((25, 4, 9, Sex::Male)));
        // Nothing is said of an organisation's code or of a broken one.
        assert_eq!(birth_of("01148190547"), None);
        assert!(disagreements("MRTMTT25D09F205A", Some((1925, 1, 1)), Some(Sex::Female)).is_empty());
    }
}
