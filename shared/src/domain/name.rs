//! 姓名 and free text as people really write them.

use std::fmt;

use serde::{Deserialize, Serialize};

/// The middle dot of minority and foreign names (·, U+00B7), and what input methods put
/// in its place.
const DOT_LOOKALIKES: &[char] = &[
    '\u{2022}', '\u{2027}', '\u{2219}', '\u{22C5}', '\u{30FB}', '\u{FF65}', '\u{0387}', '\u{16EB}',
    '\u{2E31}', '\u{00B7}', '\u{FF0E}', '\u{2024}', '\u{318D}',
];

const MAX_NAME_CHARS: usize = 50;

/// A person's name: trimmed, 1 to 50 characters, no control characters, one form of the
/// middle dot, and no spaces inside but one between two words of a name in Latin letters
/// (`林　静` is 林静, `John  Smith` is John Smith), so that searches find it. Characters
/// outside the Basic Multilingual Plane (生僻字) are kept as they are.
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PersonName(String);

impl PersonName {
    pub fn parse(input: &str) -> Result<Self, &'static str> {
        if input.trim().chars().any(is_forbidden) {
            return Err("姓名不能包含控制字符");
        }
        let dotted: String =
            input.chars().map(|c| if DOT_LOOKALIKES.contains(&c) { '·' } else { c }).collect();
        let joins_words =
            |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() && c < '\u{2E80}');
        let mut value = String::with_capacity(dotted.len());
        for word in dotted.split_whitespace() {
            if joins_words(value.chars().last()) && joins_words(word.chars().next()) {
                value.push(' ');
            }
            value.push_str(word);
        }
        if value.is_empty() {
            return Err("请填写姓名");
        }
        if value.chars().count() > MAX_NAME_CHARS {
            return Err("姓名不能超过50个字");
        }
        Ok(Self(value))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn is_forbidden(c: char) -> bool {
    c.is_control() || matches!(c, '\u{200B}'..='\u{200F}' | '\u{2028}'..='\u{202E}' | '\u{FEFF}')
}

/// Free text of at most `max` characters: trimmed; line breaks and tabs are kept, other
/// control characters refused. `label` names the field in the message.
pub fn clean_text(input: &str, label: &str, max: usize) -> Result<String, String> {
    let value = input.trim();
    if value.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t')) {
        return Err(format!("{label}不能包含控制字符"));
    }
    if value.chars().count() > max {
        return Err(format!("{label}不能超过{max}个字"));
    }
    Ok(value.to_string())
}

impl TryFrom<String> for PersonName {
    type Error = &'static str;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<PersonName> for String {
    fn from(name: PersonName) -> Self {
        name.0
    }
}

impl fmt::Display for PersonName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for PersonName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Names are personal data too; debug output may reach logs.
        write!(f, "PersonName({} chars)", self.0.chars().count())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn surrounding_white_space_is_trimmed() {
        assert_eq!(PersonName::parse("  张三\u{3000}").unwrap().as_str(), "张三");
    }

    #[test]
    fn spaces_inside_go_except_one_between_latin_words() {
        let cases = [
            ("林　静", "林静"),
            ("林 静", "林静"),
            ("阿卜杜 · 热合曼", "阿卜杜·热合曼"),
            ("John   Smith", "John Smith"),
            ("Zoë  Li", "Zoë Li"),
            ("李 Lily", "李Lily"),
        ];
        for (raw, name) in cases {
            assert_eq!(PersonName::parse(raw).unwrap().as_str(), name, "{raw}");
        }
    }

    #[test]
    fn middle_dot_lookalikes_become_one_form() {
        for raw in ["买买提•艾力", "买买提・艾力", "买买提･艾力", "买买提‧艾力", "买买提·艾力"]
        {
            assert_eq!(PersonName::parse(raw).unwrap().as_str(), "买买提·艾力", "{raw}");
        }
    }

    #[test]
    fn characters_outside_the_bmp_are_kept() {
        assert_eq!(PersonName::parse("𠇔𡘙").unwrap().as_str(), "𠇔𡘙");
    }

    #[test]
    fn fifty_characters_are_allowed_and_fifty_one_are_not() {
        assert!(PersonName::parse(&"𠇔".repeat(50)).is_ok());
        assert!(PersonName::parse(&"张".repeat(51)).is_err());
    }

    #[test]
    fn empty_names_and_control_characters_are_refused() {
        assert_eq!(PersonName::parse("   "), Err("请填写姓名"));
        assert!(PersonName::parse("张\u{0007}三").is_err());
        assert!(PersonName::parse("张\n三").is_err());
    }
}
