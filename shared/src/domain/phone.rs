//! 手机号: a mainland mobile number.

use std::fmt;

/// Eleven digits starting 1[3-9]; spaces, dashes and a +86 prefix are removed on parse.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Phone(String);

impl Phone {
    pub fn parse(input: &str) -> Result<Self, &'static str> {
        let mut value: String =
            super::normalize_code(input).chars().filter(|c| !matches!(c, ' ' | '-')).collect();
        if value.is_empty() {
            return Err("请填写手机号码");
        }
        if let Some(rest) = value.strip_prefix("+86") {
            value = rest.to_string();
        } else if value.len() == 13 && value.starts_with("86") {
            value = value[2..].to_string();
        }
        let bytes = value.as_bytes();
        let valid = bytes.len() == 11
            && bytes.iter().all(u8::is_ascii_digit)
            && bytes[0] == b'1'
            && (b'3'..=b'9').contains(&bytes[1]);
        if !valid {
            return Err("手机号码应为以1开头的11位数字");
        }
        Ok(Self(value))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn masked(&self) -> String {
        mask_phone(&self.0)
    }
}

/// `138****5678`: what lists show.
pub fn mask_phone(value: &str) -> String {
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
    fn the_masked_form_keeps_three_and_four() {
        assert_eq!(Phone::parse("13812345678").unwrap().masked(), "138****5678");
    }
}
