//! Attachments in S3: presigned uploads and downloads, and checks that an upload exists.
//!
//! The presigning client calculates checksums only when required: otherwise the SDK
//! signs a checksum header that a browser's plain PUT does not send, and real S3 rejects
//! the upload (moto accepts it, which hides the problem locally). The content type and
//! length are signed, so the client must upload exactly what it declared.

use std::time::Duration;

use anyhow::Context;
use aws_sdk_s3::Client;
use aws_sdk_s3::config::{RequestChecksumCalculation, ResponseChecksumValidation};
use aws_sdk_s3::presigning::PresigningConfig;

use crate::config::Config;

/// How long a presigned URL works.
pub const PRESIGN_TTL: Duration = Duration::from_secs(15 * 60);

/// The attachments bucket.
#[derive(Clone)]
pub struct Files {
    pub client: Client,
    presigner: Client,
    pub bucket: String,
}

/// What the client must send with its PUT.
#[derive(Debug, Clone, serde::Serialize)]
pub struct PresignedUpload {
    pub url: String,
    pub headers: std::collections::BTreeMap<String, String>,
}

impl Files {
    pub fn new(sdk: &aws_config::SdkConfig, config: &Config) -> Self {
        let base = aws_sdk_s3::config::Builder::from(sdk)
            .force_path_style(config.s3_force_path_style)
            .request_checksum_calculation(RequestChecksumCalculation::WhenRequired)
            .response_checksum_validation(ResponseChecksumValidation::WhenRequired);
        let client = Client::from_conf(base.clone().build());
        let presigner = match &config.s3_public_endpoint {
            Some(endpoint) => Client::from_conf(base.endpoint_url(endpoint).build()),
            None => Client::from_conf(base.build()),
        };
        Self { client, presigner, bucket: config.bucket_name.clone() }
    }

    /// A URL to PUT exactly `size` bytes of `content_type` to `key`.
    pub async fn presign_upload(
        &self,
        key: &str,
        content_type: &str,
        size: u64,
    ) -> anyhow::Result<PresignedUpload> {
        self.presign_put(key, content_type, size, None).await
    }

    /// Like [`Files::presign_upload`], and the object keeps `file_name` as its
    /// Content-Disposition (RFC 5987; the header is signed, so it is in the answer's
    /// headers). Every GET of the object then saves it under that name, also where a
    /// download URL's `response-content-disposition` is not honoured (moto).
    pub async fn presign_upload_named(
        &self,
        key: &str,
        content_type: &str,
        size: u64,
        file_name: &str,
    ) -> anyhow::Result<PresignedUpload> {
        self.presign_put(key, content_type, size, Some(content_disposition(file_name))).await
    }

    async fn presign_put(
        &self,
        key: &str,
        content_type: &str,
        size: u64,
        disposition: Option<String>,
    ) -> anyhow::Result<PresignedUpload> {
        let request = self
            .presigner
            .put_object()
            .bucket(&self.bucket)
            .key(key)
            .content_type(content_type)
            .content_length(size as i64)
            .set_content_disposition(disposition)
            .presigned(PresigningConfig::expires_in(PRESIGN_TTL)?)
            .await
            .context("presigning an upload")?;
        let headers = request
            .headers()
            .filter(|(name, _)| !name.eq_ignore_ascii_case("host"))
            .map(|(name, value)| (name.to_string(), value.to_string()))
            .collect();
        Ok(PresignedUpload { url: request.uri().to_string(), headers })
    }

    /// A URL to GET `key`, saved under `file_name` (RFC 5987, so Chinese names survive).
    pub async fn presign_download(&self, key: &str, file_name: &str) -> anyhow::Result<String> {
        let request = self
            .presigner
            .get_object()
            .bucket(&self.bucket)
            .key(key)
            .response_content_disposition(content_disposition(file_name))
            .presigned(PresigningConfig::expires_in(PRESIGN_TTL)?)
            .await
            .context("presigning a download")?;
        Ok(request.uri().to_string())
    }

    /// The stored size of `key`, or `None` when nothing was uploaded there.
    pub async fn size_of(&self, key: &str) -> anyhow::Result<Option<u64>> {
        match self.client.head_object().bucket(&self.bucket).key(key).send().await {
            Ok(head) => Ok(Some(head.content_length().unwrap_or(0).max(0) as u64)),
            Err(error) => {
                let not_found = error.as_service_error().map(|e| e.is_not_found()).unwrap_or(false);
                if not_found { Ok(None) } else { Err(error).context("checking an upload") }
            }
        }
    }

    pub async fn delete(&self, key: &str) -> anyhow::Result<()> {
        self.client
            .delete_object()
            .bucket(&self.bucket)
            .key(key)
            .send()
            .await
            .context("deleting an upload")?;
        Ok(())
    }
}

/// `attachment; filename="<ascii fallback>"; filename*=UTF-8''<percent-encoded>`.
pub fn content_disposition(file_name: &str) -> String {
    let fallback: String = file_name
        .chars()
        .map(|c| if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' { c } else { '_' })
        .collect();
    let mut encoded = String::new();
    for byte in file_name.as_bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                encoded.push(*byte as char)
            }
            _ => encoded.push_str(&format!("%{byte:02X}")),
        }
    }
    format!("attachment; filename=\"{fallback}\"; filename*=UTF-8''{encoded}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_file_names_are_percent_encoded() {
        assert_eq!(
            content_disposition("月度总结.pdf"),
            "attachment; filename=\"____.pdf\"; filename*=UTF-8''%E6%9C%88%E5%BA%A6%E6%80%BB%E7%BB%93.pdf"
        );
    }
}
