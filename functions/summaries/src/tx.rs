//! Conditional transaction parts the shared store does not offer: a condition check and
//! a counter update, each with its own condition expression.

use anyhow::Context;
use aws_sdk_dynamodb::types::{AttributeValue, ConditionCheck, TransactWriteItem, Update};
use swz_shared::store::{Store, key};

/// Placeholder names and values of an expression.
pub struct Expr<'a> {
    pub text: &'a str,
    pub names: &'a [(&'a str, &'a str)],
    pub values: Vec<(&'a str, AttributeValue)>,
}

/// A check that the item at (`pk`, `sk`) meets `condition`, without writing it.
pub fn check(
    store: &Store,
    pk: &str,
    sk: &str,
    condition: Expr,
) -> anyhow::Result<TransactWriteItem> {
    let mut check = ConditionCheck::builder()
        .table_name(&store.table)
        .set_key(Some(key(pk, sk)))
        .condition_expression(condition.text);
    for (placeholder, name) in condition.names {
        check = check.expression_attribute_names(*placeholder, *name);
    }
    for (placeholder, value) in condition.values {
        check = check.expression_attribute_values(placeholder, value);
    }
    let check = check.build().context("building a condition check")?;
    Ok(TransactWriteItem::builder().condition_check(check).build())
}

/// An update of (`pk`, `sk`) by `update` that happens only when `condition` holds.
pub fn update_if(
    store: &Store,
    pk: &str,
    sk: &str,
    update: Expr,
    condition: &str,
) -> anyhow::Result<TransactWriteItem> {
    let mut builder = Update::builder()
        .table_name(&store.table)
        .set_key(Some(key(pk, sk)))
        .update_expression(update.text)
        .condition_expression(condition);
    for (placeholder, name) in update.names {
        builder = builder.expression_attribute_names(*placeholder, *name);
    }
    for (placeholder, value) in update.values {
        builder = builder.expression_attribute_values(placeholder, value);
    }
    let update = builder.build().context("building an update")?;
    Ok(TransactWriteItem::builder().update(update).build())
}
