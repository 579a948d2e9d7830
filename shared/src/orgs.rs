//! Stations (社工站) and agencies (承办机构): the records every function reads to know
//! where a caller belongs. Their creation and editing live in `functions/admin`.

use serde::{Deserialize, Serialize};

use crate::domain::{OperationMode, RegionCode};
use crate::store::{Index, Query, Store, keys};

/// A social work station at one township.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StationRecord {
    pub pk: String,
    pub sk: String,
    /// `STATIONS#<province>` / `<township>#<id>`: the stations under a region.
    pub gsi1pk: String,
    pub gsi1sk: String,
    /// `AGENCY#<agency>#STATIONS` / `<id>`: the stations an agency undertakes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gsi2pk: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gsi2sk: Option<String>,
    pub kind: String,
    pub id: String,
    pub name: String,
    pub region_code: RegionCode,
    pub address: String,
    pub contact_person: String,
    /// The contact phone, sealed (see `pii`).
    pub phone_sealed: String,
    pub operation_mode: OperationMode,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agency_id: Option<String>,
    pub account_id: String,
    pub username: String,
    pub version: u64,
    pub created_at: String,
    pub updated_at: String,
}

impl StationRecord {
    /// Sets the index keys from the region and agency, after either changed.
    pub fn index(&mut self) {
        self.gsi1pk = keys::stations_gsi1(self.region_code.as_str());
        self.gsi1sk = format!("{}#{}", self.region_code, self.id);
        self.gsi2pk = self.agency_id.as_deref().map(keys::agency_stations_gsi2);
        self.gsi2sk = self.agency_id.as_ref().map(|_| self.id.clone());
    }
}

/// An undertaking agency that runs one or more stations.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AgencyRecord {
    pub pk: String,
    pub sk: String,
    /// `AGENCIES#<province>` / `<region>#<id>`: the agencies registered under a region.
    pub gsi1pk: String,
    pub gsi1sk: String,
    pub kind: String,
    pub id: String,
    pub name: String,
    pub credit_code: String,
    pub contact_person: String,
    pub phone_sealed: String,
    /// The region of the administrator who registered it.
    pub region_code: RegionCode,
    pub account_id: String,
    pub username: String,
    pub version: u64,
    pub created_at: String,
    pub updated_at: String,
}

/// `{id, name}` of a station, as login answers list them.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, utoipa::ToSchema)]
pub struct StationRef {
    pub id: String,
    pub name: String,
}

impl From<&StationRecord> for StationRef {
    fn from(station: &StationRecord) -> Self {
        Self { id: station.id.clone(), name: station.name.clone() }
    }
}

impl Store {
    pub async fn station(&self, id: &str) -> anyhow::Result<Option<StationRecord>> {
        let (pk, sk) = keys::station(id);
        self.get(&pk, &sk).await
    }

    /// A station, only if it lies under `region`; otherwise `None`, as if it did not exist.
    pub async fn station_in(
        &self,
        id: &str,
        region: &RegionCode,
    ) -> anyhow::Result<Option<StationRecord>> {
        Ok(self.station(id).await?.filter(|s| s.region_code.is_under(region)))
    }

    pub async fn agency(&self, id: &str) -> anyhow::Result<Option<AgencyRecord>> {
        let (pk, sk) = keys::agency(id);
        self.get(&pk, &sk).await
    }

    /// Every station an agency undertakes, by name.
    pub async fn stations_of_agency(&self, agency_id: &str) -> anyhow::Result<Vec<StationRecord>> {
        let query = Query::new(Index::Gsi2, keys::agency_stations_gsi2(agency_id));
        let mut stations: Vec<StationRecord> = self.query_all(&query).await?;
        stations.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
        Ok(stations)
    }

    /// Every station under `region` (a whole region: bounded by how many stations a
    /// province has, a few thousand at most).
    pub async fn stations_under(&self, region: &RegionCode) -> anyhow::Result<Vec<StationRecord>> {
        let query = Query::new(Index::Gsi1, keys::stations_gsi1(region.as_str()))
            .begins_with(region.as_str());
        self.query_all(&query).await
    }
}
