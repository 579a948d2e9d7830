//! Attachment rules (附件) shared by notices and monthly summaries: which files may be
//! uploaded, how large, and the check of an upload request `{file_name, content_type,
//! size}` before anything is presigned.
//!
//! Allowed: pdf, doc, docx, xls, xlsx, jpg (also `.jpeg`), png; at most 20 MiB each. The
//! extension and the declared content type must agree, because the content type is signed
//! into the upload URL and later served back to whoever downloads the file.
//!
//! Answers, chosen once for every module that uploads:
//! - a declared size over 20 MiB, with nothing else wrong, is 413 `payload_too_large`
//!   (the contract's code for "too large");
//! - anything else wrong (missing or unsafe name, type not allowed, type and extension
//!   disagreeing, size missing or zero) is 422 `validation_failed` naming `file_name`,
//!   `content_type` and/or `size`; an over-large size then appears under `size` too.
//!
//! Use: deserialise the body into [`NewAttachment`], call [`AttachmentSpec::parse`]
//! (or [`AttachmentSpec::check`] to collect into a larger `Validator`), then presign with
//! `app.files.presign_upload(key, &spec.content_type, spec.size)` and answer an
//! [`UploadTicket`]; keep an [`AttachmentMeta`] in the record the file belongs to.

use serde::{Deserialize, Serialize};

use crate::error::{ApiError, Validator};

/// The largest attachment: 20 MiB.
pub const MAX_ATTACHMENT_BYTES: u64 = 20 * 1024 * 1024;

/// The longest file name kept, in characters.
pub const MAX_FILE_NAME_CHARS: usize = 100;

/// Each allowed extension (lower case) with the content types that may carry it; the
/// first is the canonical one, which is what gets signed and stored.
pub const ALLOWED_TYPES: &[(&str, &[&str])] = &[
    ("pdf", &["application/pdf"]),
    ("doc", &["application/msword"]),
    ("docx", &["application/vnd.openxmlformats-officedocument.wordprocessingml.document"]),
    ("xls", &["application/vnd.ms-excel"]),
    ("xlsx", &["application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"]),
    ("jpg", &["image/jpeg", "image/jpg", "image/pjpeg"]),
    ("jpeg", &["image/jpeg", "image/jpg", "image/pjpeg"]),
    ("png", &["image/png", "image/x-png"]),
];

const TYPES_MESSAGE: &str = "仅支持 pdf、doc、docx、xls、xlsx、jpg、png 格式的文件";
const TOO_LARGE_MESSAGE: &str = "单个附件不能超过20MB";

/// An upload request as the client sends it; every field is checked by
/// [`AttachmentSpec::parse`], so a missing one is reported with the others.
#[derive(Debug, Default, Clone, Deserialize, utoipa::ToSchema)]
pub struct NewAttachment {
    /// The name to save the file under again; its extension is one of pdf, doc, docx,
    /// xls, xlsx, jpg, jpeg, png.
    #[serde(default)]
    #[schema(required = true, min_length = 1, max_length = 100)]
    pub file_name: String,
    /// The content type matching the extension, e.g. `application/pdf`, `image/jpeg`.
    #[serde(default)]
    #[schema(required = true, min_length = 1)]
    pub content_type: String,
    /// Bytes, 1 to 20 MiB (over 20 MiB answers 413).
    #[serde(default)]
    #[schema(required = true, value_type = u64, minimum = 1, maximum = 20971520)]
    pub size: Option<u64>,
}

/// A checked upload request: a safe file name, an allowed extension, the canonical content
/// type of that extension and a size from 1 byte to 20 MiB.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttachmentSpec {
    /// The name as the user will see it again when downloading (trimmed, without any
    /// directory part a browser may have sent).
    pub file_name: String,
    /// Lower-case extension without the dot, e.g. `pdf`.
    pub extension: &'static str,
    /// The canonical content type for the extension (what is signed and served back).
    pub content_type: &'static str,
    pub size: u64,
}

/// What an upload request answers: `{id, upload_url, upload_headers}`. The client PUTs
/// exactly the declared bytes to `upload_url` with every header of `upload_headers`.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct UploadTicket {
    pub id: String,
    pub upload_url: String,
    pub upload_headers: std::collections::BTreeMap<String, String>,
}

/// What a record keeps of one attached file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttachmentMeta {
    pub id: String,
    pub file_name: String,
    pub content_type: String,
    pub size: u64,
    /// The S3 object key; never shown to clients.
    pub object_key: String,
}

/// `{id, file_name, content_type, size}`: an attachment as clients see it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AttachmentView {
    pub id: String,
    pub file_name: String,
    pub content_type: String,
    pub size: u64,
}

impl From<&AttachmentMeta> for AttachmentView {
    fn from(meta: &AttachmentMeta) -> Self {
        Self {
            id: meta.id.clone(),
            file_name: meta.file_name.clone(),
            content_type: meta.content_type.clone(),
            size: meta.size,
        }
    }
}

impl AttachmentSpec {
    /// Checks a request on its own: 413 for a size over the limit when that is the only
    /// problem, otherwise 422 with every bad field.
    pub fn parse(raw: &NewAttachment) -> Result<Self, ApiError> {
        let mut v = Validator::new();
        if let Some(spec) = Self::check(&mut v, raw) {
            return Ok(spec);
        }
        let too_large = raw.size.is_some_and(|size| size > MAX_ATTACHMENT_BYTES);
        // Over the limit and otherwise fine: the same request at the limit would pass.
        let at_limit = NewAttachment { size: Some(MAX_ATTACHMENT_BYTES), ..raw.clone() };
        if too_large && Self::check(&mut Validator::new(), &at_limit).is_some() {
            return Err(ApiError::PayloadTooLarge(TOO_LARGE_MESSAGE.into()));
        }
        v.finish()?;
        Err(ApiError::field("size", TOO_LARGE_MESSAGE))
    }

    /// Checks a request into `v`, under the field names `file_name`, `content_type` and
    /// `size`. `None` when anything was wrong (and then `v` says what).
    pub fn check(v: &mut Validator, raw: &NewAttachment) -> Option<Self> {
        let name = v.check("file_name", clean_file_name(&raw.file_name));
        let extension = name.as_deref().and_then(|name| {
            let extension = extension_of(name);
            if extension.is_none() {
                v.add("file_name", TYPES_MESSAGE);
            }
            extension
        });
        let content_type = v.check("content_type", content_type_for(extension, &raw.content_type));
        let size = match raw.size {
            None => {
                v.add("size", "请填写文件大小");
                None
            }
            Some(0) => {
                v.add("size", "文件为空");
                None
            }
            Some(size) if size > MAX_ATTACHMENT_BYTES => {
                v.add("size", TOO_LARGE_MESSAGE);
                None
            }
            Some(size) => Some(size),
        };
        Some(Self {
            file_name: name?,
            extension: extension?,
            content_type: content_type??,
            size: size?,
        })
    }
}

/// Trims the name, drops a directory part (`C:\fakepath\…` from old browsers) and refuses
/// empty, overlong or control-character names.
fn clean_file_name(input: &str) -> Result<String, &'static str> {
    let base = input.rsplit(['/', '\\']).next().unwrap_or("").trim();
    if base.is_empty() {
        return Err("请填写文件名");
    }
    if base.chars().any(|c| {
        c.is_control()
            || matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{FEFF}')
    }) {
        return Err("文件名不能包含控制字符");
    }
    if base.chars().count() > MAX_FILE_NAME_CHARS {
        return Err("文件名不能超过100个字");
    }
    if base.starts_with('.') && base[1..].find('.').is_none() {
        // ".pdf" alone has no name to save under.
        return Err("文件名不正确");
    }
    Ok(base.to_string())
}

/// The allowed extension of a file name, lower case.
pub fn extension_of(file_name: &str) -> Option<&'static str> {
    let (_, extension) = file_name.rsplit_once('.')?;
    let extension = extension.trim().to_ascii_lowercase();
    ALLOWED_TYPES.iter().map(|(ext, _)| *ext).find(|ext| *ext == extension)
}

/// The canonical content type for `extension` if `declared` agrees with it. `Ok(None)`
/// when there is no extension to compare with (the name is already reported).
fn content_type_for(
    extension: Option<&'static str>,
    declared: &str,
) -> Result<Option<&'static str>, &'static str> {
    // Parameters such as `; charset=binary` do not change what the file is.
    let declared = declared.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    if declared.is_empty() {
        return Err("请填写文件类型");
    }
    let known = ALLOWED_TYPES.iter().any(|(_, types)| types.contains(&declared.as_str()));
    if !known {
        return Err(TYPES_MESSAGE);
    }
    let Some(extension) = extension else { return Ok(None) };
    let types = ALLOWED_TYPES.iter().find(|(ext, _)| *ext == extension).map(|(_, t)| *t);
    match types {
        Some(types) if types.contains(&declared.as_str()) => Ok(Some(types[0])),
        _ => Err("文件类型与扩展名不一致"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(name: &str, content_type: &str, size: u64) -> NewAttachment {
        NewAttachment {
            file_name: name.into(),
            content_type: content_type.into(),
            size: Some(size),
        }
    }

    fn fields(error: ApiError) -> Vec<String> {
        match error {
            ApiError::Validation(fields) => fields.into_keys().collect(),
            other => panic!("expected 422, got {other:?}"),
        }
    }

    #[test]
    fn every_allowed_type_with_its_content_type_is_accepted() {
        for (extension, types) in ALLOWED_TYPES {
            let spec = AttachmentSpec::parse(&request(&format!("附件.{extension}"), types[0], 10))
                .unwrap();
            assert_eq!(spec.extension, *extension);
            assert_eq!(spec.content_type, types[0]);
        }
    }

    #[test]
    fn upper_case_extensions_and_content_type_parameters_are_normalised() {
        let spec =
            AttachmentSpec::parse(&request("扫描件.JPG", "Image/JPEG; charset=binary", 1)).unwrap();
        assert_eq!(spec.extension, "jpg");
        assert_eq!(spec.content_type, "image/jpeg");
        assert_eq!(spec.file_name, "扫描件.JPG");
    }

    #[test]
    fn a_browser_path_is_reduced_to_the_file_name() {
        let spec = AttachmentSpec::parse(&request("C:\\fakepath\\通知.pdf", "application/pdf", 5))
            .unwrap();
        assert_eq!(spec.file_name, "通知.pdf");
    }

    #[test]
    fn an_executable_is_refused_on_name_and_type() {
        let error = AttachmentSpec::parse(&request("setup.exe", "application/x-msdownload", 5))
            .unwrap_err();
        assert_eq!(fields(error), ["content_type", "file_name"]);
    }

    #[test]
    fn an_executable_renamed_but_declared_as_such_is_refused() {
        let error = AttachmentSpec::parse(&request("setup.pdf", "application/x-msdownload", 5))
            .unwrap_err();
        assert_eq!(fields(error), ["content_type"]);
    }

    #[test]
    fn extension_and_content_type_must_agree() {
        let error = AttachmentSpec::parse(&request("photo.png", "application/pdf", 5)).unwrap_err();
        assert_eq!(fields(error), ["content_type"]);
    }

    #[test]
    fn a_size_over_twenty_mebibytes_alone_is_payload_too_large() {
        let ok = request("a.pdf", "application/pdf", MAX_ATTACHMENT_BYTES);
        assert!(AttachmentSpec::parse(&ok).is_ok());
        let big = request("a.pdf", "application/pdf", MAX_ATTACHMENT_BYTES + 1);
        assert!(matches!(AttachmentSpec::parse(&big), Err(ApiError::PayloadTooLarge(_))));
    }

    #[test]
    fn a_size_over_the_limit_with_other_problems_is_a_validation_failure() {
        let error =
            AttachmentSpec::parse(&request("a.exe", "application/pdf", MAX_ATTACHMENT_BYTES + 1))
                .unwrap_err();
        assert_eq!(fields(error), ["file_name", "size"]);
    }

    #[test]
    fn missing_fields_are_all_reported() {
        let error = AttachmentSpec::parse(&NewAttachment::default()).unwrap_err();
        assert_eq!(fields(error), ["content_type", "file_name", "size"]);
        let empty = AttachmentSpec::parse(&request("a.pdf", "application/pdf", 0)).unwrap_err();
        assert_eq!(fields(empty), ["size"]);
    }

    #[test]
    fn names_without_a_usable_extension_are_refused() {
        for name in ["报告", "报告.", ".pdf", "报告.pdf.exe", "   "] {
            let error = AttachmentSpec::parse(&request(name, "application/pdf", 1)).unwrap_err();
            assert!(fields(error).contains(&"file_name".to_string()), "{name}");
        }
    }
}
