//! 手机号 and 联系电话: a mainland mobile number, or for contact numbers also a landline.

use std::fmt;

/// A phone number in its normal form: a mobile number is eleven digits starting 1[3-9]; a
/// landline (contact numbers only) is `区号-号码`, e.g. `0571-87654321`, and a service
/// hotline ten digits starting 400 or 800. Spaces, dashes, brackets and a +86 prefix are
/// removed on parse.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Phone(String);

impl Phone {
    /// A mobile number (手机号): what a person's own number must be.
    pub fn parse(input: &str) -> Result<Self, &'static str> {
        let value = digits_of(input).ok_or("请填写手机号码")?;
        mobile(&value).ok_or("手机号码不正确，应为以13至19开头的11位数字").map(Self)
    }

    /// A contact number (联系电话): a mobile number, or a landline with its area code, as an
    /// office, a household or an agency's hotline may have.
    pub fn parse_contact(input: &str) -> Result<Self, &'static str> {
        let value = digits_of(input).ok_or("请填写联系电话")?;
        let international =
            || value.strip_prefix("+86").and_then(|rest| landline(&format!("0{rest}"), None));
        mobile(&value)
            .or_else(|| landline(&value, typed_area_code(input)))
            .or_else(international)
            .ok_or("联系电话不正确，应为11位手机号码、带区号的固定电话（如0571-87654321）或400/800电话")
            .map(Self)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn masked(&self) -> String {
        mask_phone(&self.0)
    }
}

/// The input without its decoration (NFKC, spaces, dashes, brackets), or `None` when blank.
fn digits_of(input: &str) -> Option<String> {
    let value: String = super::normalize_code(input)
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '(' | ')'))
        .collect();
    (!value.is_empty()).then_some(value)
}

/// `13800138000` from `13800138000`, `+8613800138000` or `8613800138000`.
fn mobile(value: &str) -> Option<String> {
    let value = match value.strip_prefix("+86") {
        Some(rest) => rest,
        None if value.len() == 13 && value.starts_with("86") => &value[2..],
        None => value,
    };
    let bytes = value.as_bytes();
    let valid = bytes.len() == 11
        && bytes.iter().all(u8::is_ascii_digit)
        && bytes[0] == b'1'
        && (b'3'..=b'9').contains(&bytes[1]);
    valid.then(|| value.to_string())
}

/// How long the area code typed apart (`0571-…`, `(0571) …`) is, if one was.
fn typed_area_code(input: &str) -> Option<usize> {
    let normal = super::normalize_code(input);
    let rest = normal.strip_prefix('(').unwrap_or(&normal);
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    let apart = matches!(rest.as_bytes().get(digits), Some(b'-' | b' ' | b')'));
    (apart && rest.starts_with('0')).then_some(digits)
}

/// `0571-87654321` from `057187654321`: area codes are 010 and 02X, else 0 and three
/// digits from 3 up, and the local number is seven or eight digits not starting 0 or 1.
/// An area code typed apart (`area_len`) must be one of those itself: `02-12345678` is
/// refused rather than read as 021-2345678. `4008001234` and `8008001234` (service
/// hotlines) stay as they are.
fn landline(value: &str, area_len: Option<usize>) -> Option<String> {
    let bytes = value.as_bytes();
    if !bytes.iter().all(u8::is_ascii_digit) {
        return None;
    }
    if bytes.len() == 10 && (value.starts_with("400") || value.starts_with("800")) {
        return Some(value.to_string());
    }
    if bytes.len() < 2 || bytes[0] != b'0' || bytes[1] == b'0' {
        return None;
    }
    let area_len = area_len.unwrap_or(if matches!(bytes[1], b'1' | b'2') { 3 } else { 4 });
    let (area, local) = value.split_at(area_len.min(value.len()));
    let area_valid = match area.len() {
        3 => area == "010" || area.starts_with("02"),
        4 => !matches!(bytes[1], b'1' | b'2'),
        _ => false,
    };
    let valid =
        area_valid && (7..=8).contains(&local.len()) && !matches!(local.as_bytes()[0], b'0' | b'1');
    valid.then(|| format!("{area}-{local}"))
}

/// `138****5678`, `0571-****4321`: what lists show.
pub fn mask_phone(value: &str) -> String {
    if let Some((area, local)) = value.split_once('-')
        && local.len() > 4
        && local.is_ascii()
    {
        let (hidden, tail) = local.split_at(local.len() - 4);
        return format!("{area}-{}{tail}", "*".repeat(hidden.len()));
    }
    let chars: Vec<char> = value.chars().collect();
    if chars.len() < 7 {
        return "*".repeat(chars.len());
    }
    let head: String = chars[..3].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}{}{tail}", "*".repeat(chars.len() - 7))
}

impl fmt::Debug for Phone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Phone({})", self.masked())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plain_number_is_accepted() {
        assert_eq!(Phone::parse("13800138000").unwrap().as_str(), "13800138000");
    }

    #[test]
    fn spaces_and_country_code_are_stripped() {
        assert_eq!(Phone::parse("  +86 138 0013 8000 ").unwrap().as_str(), "13800138000");
        assert_eq!(Phone::parse("+8613800138000").unwrap().as_str(), "13800138000");
        assert_eq!(Phone::parse("8613800138000").unwrap().as_str(), "13800138000");
    }

    #[test]
    fn full_width_digits_are_normalised() {
        assert_eq!(Phone::parse("１３８００１３８０００").unwrap().as_str(), "13800138000");
    }

    #[test]
    fn wrong_prefixes_and_lengths_are_rejected() {
        for bad in ["12800138000", "1380013800", "138001380001", "23800138000", "1380013800a"] {
            assert!(Phone::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_mobile_number_refuses_a_landline() {
        assert!(Phone::parse("0571-87654321").is_err());
    }

    #[test]
    fn contact_numbers_take_mobiles_and_landlines_with_area_codes() {
        let cases = [
            ("13800138000", "13800138000"),
            ("0571-87654321", "0571-87654321"),
            ("(0571) 8765 4321", "0571-87654321"),
            ("（０５７１）８７６５４３２１", "0571-87654321"),
            ("010-62345678", "010-62345678"),
            ("01082345678", "010-82345678"),
            ("020-8123456", "020-8123456"),
            ("0913-2123456", "0913-2123456"),
            ("400-800-1234", "4008001234"),
            ("+86 571 8765 4321", "0571-87654321"),
            ("+86-10-62345678", "010-62345678"),
        ];
        for (input, stored) in cases {
            let parsed = Phone::parse_contact(input).unwrap_or_else(|e| panic!("{input}: {e}"));
            assert_eq!(parsed.as_str(), stored, "{input}");
        }
    }

    #[test]
    fn contact_numbers_refuse_what_no_phone_can_be() {
        for bad in [
            "87654321",
            "0571-0765432",
            "0571-876543210",
            "0012345678",
            "12800138000",
            "0571-8765432a",
            "02-12345678",
            "0106-2345678",
            "011-62345678",
        ] {
            assert!(Phone::parse_contact(bad).is_err(), "{bad}");
        }
        assert_eq!(Phone::parse_contact(" ").unwrap_err(), "请填写联系电话");
    }

    #[test]
    fn the_masked_form_keeps_three_and_four() {
        assert_eq!(Phone::parse("13812345678").unwrap().masked(), "138****5678");
        assert_eq!(Phone::parse_contact("0571-87654321").unwrap().masked(), "0571-****4321");
        assert_eq!(Phone::parse_contact("4008001234").unwrap().masked(), "400***1234");
    }
}
