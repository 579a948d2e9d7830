//! 居民身份证号码 (GB 11643-1999): the resident ID number.

use std::fmt;

use jiff::civil::Date;

use super::{Gender, normalize_code};

/// A valid 18-character resident ID number, upper-case `X` as its check character.
///
/// Its birth date is a real calendar date that is not in the future (China time).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct IdNumber(String);

const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARS: &[u8; 11] = b"10X98765432";

impl IdNumber {
    /// Parses what a person typed, judging the birth date against China's today.
    pub fn parse(input: &str) -> Result<Self, &'static str> {
        Self::parse_on(input, super::china_today())
    }

    /// Parses with an explicit `today`, for tests and for replaying old input.
    pub fn parse_on(input: &str, today: Date) -> Result<Self, &'static str> {
        let value = normalize_code(input);
        if value.is_empty() {
            return Err("请填写身份证号码");
        }
        if value.len() == 15 && value.bytes().all(|b| b.is_ascii_digit()) {
            return Err("不支持15位旧身份证号码，请使用18位身份证号码");
        }
        if value.len() != 18 {
            return Err("身份证号码应为18位");
        }
        let bytes = value.as_bytes();
        if !bytes[..17].iter().all(u8::is_ascii_digit)
            || !(bytes[17].is_ascii_digit() || bytes[17] == b'X')
        {
            return Err("身份证号码只能由数字和末位的X组成");
        }
        if bytes[0] == b'0' {
            return Err("身份证号码的地址码不正确");
        }
        let birth = birth_date_of(&value).ok_or("身份证号码中的出生日期不正确")?;
        if birth > today || birth.year() < 1900 {
            return Err("身份证号码中的出生日期不正确");
        }
        if check_char(&bytes[..17]) != bytes[17] {
            return Err("身份证号码校验位不正确");
        }
        Ok(Self(value))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The birth date the number encodes.
    pub fn birth_date(&self) -> Date {
        // Checked in `parse`, so the digits always form a real date.
        birth_date_of(&self.0).unwrap_or(Date::MIN)
    }

    /// The 17th digit is odd for men and even for women.
    pub fn gender(&self) -> Gender {
        if (self.0.as_bytes()[16] - b'0') % 2 == 1 { Gender::Male } else { Gender::Female }
    }

    /// `330106********1234`: what lists show.
    pub fn masked(&self) -> String {
        mask_id_number(&self.0)
    }
}

/// Masks a stored ID number for lists: the first six and the last four stay.
pub fn mask_id_number(value: &str) -> String {
    let chars: Vec<char> = value.chars().collect();
    if chars.len() < 10 {
        return "*".repeat(chars.len());
    }
    let head: String = chars[..6].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}{}{tail}", "*".repeat(chars.len() - 10))
}

fn check_char(first17: &[u8]) -> u8 {
    let sum: u32 = first17.iter().zip(WEIGHTS).map(|(d, w)| u32::from(d - b'0') * w).sum();
    CHECK_CHARS[(sum % 11) as usize]
}

fn birth_date_of(value: &str) -> Option<Date> {
    let year: i16 = value.get(6..10)?.parse().ok()?;
    let month: i8 = value.get(10..12)?.parse().ok()?;
    let day: i8 = value.get(12..14)?.parse().ok()?;
    Date::new(year, month, day).ok()
}

impl fmt::Debug for IdNumber {
    // Debug output can reach logs; only the masked form may.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "IdNumber({})", self.masked())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    const TODAY: Date = date(2026, 12, 3);

    fn parse(s: &str) -> Result<IdNumber, &'static str> {
        IdNumber::parse_on(s, TODAY)
    }

    #[test]
    fn a_valid_number_is_accepted() {
        let id = parse("11010519491231002X").unwrap();
        assert_eq!(id.as_str(), "11010519491231002X");
        assert_eq!(id.birth_date(), date(1949, 12, 31));
        assert_eq!(id.gender(), Gender::Female);
    }

    #[test]
    fn lower_case_x_becomes_upper_case() {
        assert_eq!(parse("11010519491231002x").unwrap().as_str(), "11010519491231002X");
    }

    #[test]
    fn full_width_digits_and_spaces_are_normalised() {
        let id = parse(" １１０１０５１９４９１２３１００２ｘ ").unwrap();
        assert_eq!(id.as_str(), "11010519491231002X");
    }

    #[test]
    fn a_wrong_check_character_is_rejected() {
        assert_eq!(parse("110105194912310021"), Err("身份证号码校验位不正确"));
    }

    #[test]
    fn a_fifteen_digit_number_has_its_own_message() {
        assert_eq!(parse("110105491231002"), Err("不支持15位旧身份证号码，请使用18位身份证号码"));
    }

    #[test]
    fn an_impossible_date_is_rejected() {
        // 1990-02-30 with a check character computed for it.
        let mut s = b"11010519900230123".to_vec();
        s.push(check_char(&s));
        let s = String::from_utf8(s).unwrap();
        assert_eq!(parse(&s), Err("身份证号码中的出生日期不正确"));
    }

    #[test]
    fn a_birth_date_in_the_future_is_rejected() {
        let mut s = b"11010520270101123".to_vec();
        s.push(check_char(&s));
        let s = String::from_utf8(s).unwrap();
        assert_eq!(parse(&s), Err("身份证号码中的出生日期不正确"));
    }

    #[test]
    fn wrong_lengths_and_letters_are_rejected() {
        assert_eq!(parse("1234"), Err("身份证号码应为18位"));
        assert_eq!(parse(""), Err("请填写身份证号码"));
        assert!(parse("11010519491231A02X").is_err());
    }

    #[test]
    fn the_masked_form_keeps_six_and_four() {
        assert_eq!(parse("11010519491231002X").unwrap().masked(), "110105********002X");
    }

    #[test]
    fn debug_output_is_masked() {
        let id = parse("11010519491231002X").unwrap();
        assert!(!format!("{id:?}").contains("19491231"));
    }
}
