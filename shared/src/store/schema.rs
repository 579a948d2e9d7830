//! The table and bucket themselves, created by the local stack and the tests; deployed,
//! `template.yaml` declares the same shape.

use anyhow::Context;
use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, GlobalSecondaryIndex, KeySchemaElement, KeyType, Projection,
    ProjectionType, ScalarAttributeType, StreamSpecification, StreamViewType,
    TimeToLiveSpecification,
};

use crate::files::Files;
use crate::store::Store;

/// The attribute DynamoDB's TTL deletes expired items by (seconds since the epoch).
pub const TTL_ATTRIBUTE: &str = "expires_at";

impl Store {
    /// Creates the table with both indexes, the stream and TTL, unless it exists.
    pub async fn ensure_table(&self) -> anyhow::Result<()> {
        let existing = self.client.list_tables().send().await.context("listing tables")?;
        if existing.table_names().iter().any(|t| t == &self.table) {
            return Ok(());
        }
        let attr = |name: &str| {
            AttributeDefinition::builder()
                .attribute_name(name)
                .attribute_type(ScalarAttributeType::S)
                .build()
        };
        let key = |name: &str, key_type: KeyType| {
            KeySchemaElement::builder().attribute_name(name).key_type(key_type).build()
        };
        let gsi = |name: &str| -> anyhow::Result<GlobalSecondaryIndex> {
            Ok(GlobalSecondaryIndex::builder()
                .index_name(name)
                .key_schema(key(&format!("{name}pk"), KeyType::Hash)?)
                .key_schema(key(&format!("{name}sk"), KeyType::Range)?)
                .projection(Projection::builder().projection_type(ProjectionType::All).build())
                .build()?)
        };
        self.client
            .create_table()
            .table_name(&self.table)
            .billing_mode(BillingMode::PayPerRequest)
            .attribute_definitions(attr("pk")?)
            .attribute_definitions(attr("sk")?)
            .attribute_definitions(attr("gsi1pk")?)
            .attribute_definitions(attr("gsi1sk")?)
            .attribute_definitions(attr("gsi2pk")?)
            .attribute_definitions(attr("gsi2sk")?)
            .key_schema(key("pk", KeyType::Hash)?)
            .key_schema(key("sk", KeyType::Range)?)
            .global_secondary_indexes(gsi("gsi1")?)
            .global_secondary_indexes(gsi("gsi2")?)
            .stream_specification(
                StreamSpecification::builder()
                    .stream_enabled(true)
                    .stream_view_type(StreamViewType::NewAndOldImages)
                    .build()?,
            )
            .send()
            .await
            .context("creating the table")?;
        self.client
            .update_time_to_live()
            .table_name(&self.table)
            .time_to_live_specification(
                TimeToLiveSpecification::builder()
                    .enabled(true)
                    .attribute_name(TTL_ATTRIBUTE)
                    .build()?,
            )
            .send()
            .await
            .context("turning on TTL")?;
        Ok(())
    }
}

impl Files {
    /// Creates the bucket unless it exists.
    pub async fn ensure_bucket(&self) -> anyhow::Result<()> {
        if self.client.head_bucket().bucket(&self.bucket).send().await.is_ok() {
            return Ok(());
        }
        self.client
            .create_bucket()
            .bucket(&self.bucket)
            .send()
            .await
            .context("creating the bucket")?;
        Ok(())
    }
}
