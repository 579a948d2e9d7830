//! 统一社会信用代码 (GB 32100-2015): an organisation's unified social credit code.

const CHARSET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
const WEIGHTS: [u32; 17] = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/// A valid 18-character unified social credit code, upper case.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CreditCode(String);

impl CreditCode {
    pub fn parse(input: &str) -> Result<Self, &'static str> {
        let value = super::normalize_code(input);
        if value.is_empty() {
            return Err("请填写统一社会信用代码");
        }
        if value.chars().count() != 18 {
            return Err("统一社会信用代码应为18位");
        }
        let values: Option<Vec<u32>> = value.bytes().map(char_value).collect();
        let values = values.ok_or("统一社会信用代码含有不允许的字符")?;
        let sum: u32 = values[..17].iter().zip(WEIGHTS).map(|(v, w)| v * w).sum();
        let expected = (31 - sum % 31) % 31;
        if values[17] != expected {
            return Err("统一社会信用代码校验位不正确");
        }
        Ok(Self(value))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn char_value(byte: u8) -> Option<u32> {
    CHARSET.iter().position(|&c| c == byte).map(|p| p as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_valid_code_is_accepted() {
        assert!(CreditCode::parse("91350100M000100Y43").is_ok());
        assert!(CreditCode::parse("91110000802100433B").is_ok());
    }

    #[test]
    fn lower_case_and_full_width_input_is_normalised() {
        assert_eq!(
            CreditCode::parse(" ９１３５０１００m０００１００y４３ ").unwrap().as_str(),
            "91350100M000100Y43"
        );
    }

    #[test]
    fn a_wrong_check_character_is_rejected() {
        assert_eq!(CreditCode::parse("91350100M000100Y44"), Err("统一社会信用代码校验位不正确"));
    }

    #[test]
    fn letters_outside_the_charset_are_rejected() {
        assert_eq!(
            CreditCode::parse("91350100M000100I43"),
            Err("统一社会信用代码含有不允许的字符")
        );
    }

    #[test]
    fn a_wrong_length_is_rejected() {
        assert_eq!(CreditCode::parse("9135"), Err("统一社会信用代码应为18位"));
    }
}
