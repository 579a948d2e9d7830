//! Key builders for every item type. `docs/data-model.md` lists them with the requests
//! that read them; keep the two together.

/// `ACCOUNT#<id>` / `ACCOUNT`: a login of any role.
pub fn account(id: &str) -> (String, String) {
    (format!("ACCOUNT#{id}"), "ACCOUNT".into())
}

/// `USERNAME#<username>` / `USERNAME`: guard that keeps usernames unique; holds the
/// account id, which is how login finds the account.
pub fn username(name: &str) -> (String, String) {
    (format!("USERNAME#{}", name.to_lowercase()), "USERNAME".into())
}

/// `LOGIN#<username>` / `THROTTLE`: failed-login counter of one username (TTL).
pub fn login_throttle(name: &str) -> (String, String) {
    (format!("LOGIN#{}", name.to_lowercase()), "THROTTLE".into())
}

/// GSI1 partition of the admins bound to exactly `region`.
pub fn admins_gsi1(region: &str) -> String {
    format!("ADMINS#{region}")
}

/// `AGENCY#<id>` / `AGENCY`: an undertaking agency (承办机构).
pub fn agency(id: &str) -> (String, String) {
    (format!("AGENCY#{id}"), "AGENCY".into())
}

/// GSI1 partition of the agencies registered in a province; sort key `<region>#<id>`.
pub fn agencies_gsi1(region: &str) -> String {
    format!("AGENCIES#{}", &region[..2.min(region.len())])
}

/// `CREDIT#<code>` / `CREDIT`: guard that keeps credit codes unique.
pub fn credit_code(code: &str) -> (String, String) {
    (format!("CREDIT#{code}"), "CREDIT".into())
}

/// `STATION#<id>` / `STATION`: a social work station (社工站).
pub fn station(id: &str) -> (String, String) {
    (format!("STATION#{id}"), "STATION".into())
}

/// GSI1 partition of the stations in a province; sort key `<township code>#<id>`, so a
/// region prefix selects every station under a region.
pub fn stations_gsi1(region: &str) -> String {
    format!("STATIONS#{}", &region[..2.min(region.len())])
}

/// GSI2 partition of the stations an agency undertakes.
pub fn agency_stations_gsi2(agency_id: &str) -> String {
    format!("AGENCY#{agency_id}#STATIONS")
}

/// `REGISTRY#<id>` / `PROFILE`: a certified social worker's registry profile.
pub fn registry_profile(id: &str) -> (String, String) {
    (format!("REGISTRY#{id}"), "PROFILE".into())
}

/// GSI1 partition of all registry profiles; sort key `<name>#<id>` for name search.
pub const REGISTRY_GSI1: &str = "REGISTRY";

/// GSI2 partition holding the registry profile with this ID-number hash.
pub fn registry_id_gsi2(id_hash: &str) -> String {
    format!("REGISTRY_ID#{id_hash}")
}

/// `REGISTRY_ID#<hash>` / `GUARD`: one registry profile per ID number.
pub fn registry_id_guard(id_hash: &str) -> (String, String) {
    (format!("REGISTRY_ID#{id_hash}"), "GUARD".into())
}

/// `STATION#<sid>` / `WORKER#<id>`: a worker (社工) of a station, current or departed.
pub fn worker(station_id: &str, id: &str) -> (String, String) {
    (format!("STATION#{station_id}"), format!("WORKER#{id}"))
}

/// Sort-key prefix of a station's workers in the station partition.
pub const WORKER_PREFIX: &str = "WORKER#";

/// `WORKER_ACTIVE#<id hash>` / `GUARD`: one current worker record per ID number across
/// every station; holds the station and worker id. Deleted when the worker departs.
pub fn worker_active_guard(id_hash: &str) -> (String, String) {
    (format!("WORKER_ACTIVE#{id_hash}"), "GUARD".into())
}

/// `STATION#<sid>` / `CLIENT#<id>`: a service recipient (服务对象) of a station.
pub fn client(station_id: &str, id: &str) -> (String, String) {
    (format!("STATION#{station_id}"), format!("CLIENT#{id}"))
}

/// Sort-key prefix of a station's clients in the station partition.
pub const CLIENT_PREFIX: &str = "CLIENT#";

/// `STATION#<sid>#CLIENTID#<id hash>` / `GUARD`: one visible client per ID number at a
/// station; holds the client id, which is how an exact ID-number search finds it.
pub fn client_id_guard(station_id: &str, id_hash: &str) -> (String, String) {
    (format!("STATION#{station_id}#CLIENTID#{id_hash}"), "GUARD".into())
}

/// `STATION#<sid>` / `CLIENTACT#<client id>#<activity id>`: a client's link to an
/// activity, carrying the activity's summary; written by the activities module.
pub fn client_activity(
    station_id: &str,
    client_id: &str,
    start_date: &str,
    activity_id: &str,
) -> (String, String) {
    (format!("STATION#{station_id}"), format!("CLIENTACT#{client_id}#{start_date}#{activity_id}"))
}

/// Sort-key prefix of one client's activity links in the station partition.
pub fn client_activities_prefix(client_id: &str) -> String {
    format!("CLIENTACT#{client_id}#")
}

/// `STATION#<sid>` / `STATS#ALL`: a station's running totals (counters kept with `ADD`).
pub fn station_stats(station_id: &str) -> (String, String) {
    (format!("STATION#{station_id}"), "STATS#ALL".into())
}

/// `STATION#<sid>` / `STATS#<YYYY-MM>`: a station's counters for one month of activity
/// start dates. Sorts before `STATS#ALL`.
pub fn station_month_stats(station_id: &str, month: &str) -> (String, String) {
    (format!("STATION#{station_id}"), format!("STATS#{month}"))
}

/// `STATION#<sid>` / `SERVED#<client id>`: per period, how many activities link a client
/// (the reference counts behind `served_people`).
pub fn served(station_id: &str, client_id: &str) -> (String, String) {
    (format!("STATION#{station_id}"), format!("SERVED#{client_id}"))
}

/// Sort-key prefix of a station's served-reference items.
pub const SERVED_PREFIX: &str = "SERVED#";

/// Sort-key prefix of a station's stats items (all time and months).
pub const STATS_PREFIX: &str = "STATS#";

/// `STATION#<sid>` / `ACTIVITY#<id>`: a service activity (服务活动).
pub fn activity(station_id: &str, id: &str) -> (String, String) {
    (format!("STATION#{station_id}"), format!("ACTIVITY#{id}"))
}

/// GSI1 partition of a station's activities; sort key `<start date>#<id>`, so a month
/// prefix selects a month and a reversed query lists the latest start first.
pub fn activities_gsi1(station_id: &str) -> String {
    format!("ACTIVITIES#{station_id}")
}

/// GSI2 partition of a station's activities of one category; sort key as in GSI1.
pub fn activities_category_gsi2(station_id: &str, category: &str) -> String {
    format!("ACTIVITIES#{station_id}#{category}")
}

/// `STATION#<sid>` / `UNDERWAY#<start date>#<id>`: a small copy of an ongoing activity
/// for the dashboard, present exactly while the activity is ongoing. Its sort key lies
/// between `STATS#<month>` and `WORKER#`, so one query of that range reads this month's
/// and all-time counters, the ongoing activities and the workers together.
pub fn underway(station_id: &str, start_date: &str, id: &str) -> (String, String) {
    (format!("STATION#{station_id}"), format!("UNDERWAY#{start_date}#{id}"))
}

/// Sort-key prefix of a station's ongoing-activity copies.
pub const UNDERWAY_PREFIX: &str = "UNDERWAY#";

/// The sort key just above every `WORKER#…`: the upper end of the dashboard's range.
pub const DASHBOARD_RANGE_END: &str = "WORKER$";

/// `AUDIT#<kind>#<id>` / `<timestamp>#<random>`: one audit entry of a record's history.
pub fn audit(entity_kind: &str, entity_id: &str, at: &str, nonce: &str) -> (String, String) {
    (format!("AUDIT#{entity_kind}#{entity_id}"), format!("{at}#{nonce}"))
}

/// A fresh opaque identifier: 12 hex digits of milliseconds then 16 random ones, so ids
/// sort by creation time and sort keys built from them list oldest first.
pub fn new_id() -> String {
    let millis = jiff::Timestamp::now().as_millisecond().max(0) as u64;
    let random = uuid::Uuid::new_v4().as_u128() as u64;
    format!("{:012x}{random:016x}", millis & 0xffff_ffff_ffff)
}

/// `NOTICE#<id>` / `NOTICE`: a notice (通知公告) as published, with its target.
pub fn notice(id: &str) -> (String, String) {
    (format!("NOTICE#{id}"), "NOTICE".into())
}

/// `NOTICE#<id>` / `READ#<station id>`: a station's read receipt of a notice. Living in
/// the notice's partition, the publisher reads every receipt of a notice with one query,
/// and a station's page of notices finds its receipts with one batch read.
pub fn notice_read(notice_id: &str, station_id: &str) -> (String, String) {
    (format!("NOTICE#{notice_id}"), format!("READ#{station_id}"))
}

/// Sort-key prefix of a notice's read receipts.
pub const NOTICE_READ_PREFIX: &str = "READ#";

/// Feed partition of the notices sent to every station under `region` (a copy of each,
/// sorted by `<published ms>#<id>`).
pub fn notice_region_feed(region: &str) -> String {
    format!("NOTICES#{region}")
}

/// Feed partition of the notices sent to a chosen station.
pub fn notice_station_feed(station_id: &str) -> String {
    format!("NOTICES#STATION#{station_id}")
}

/// Partition of the notices an admin of `region` lists: everything published by admins
/// of that region or below it (one copy per level of the publisher's region).
pub fn notice_admin_list(region: &str) -> String {
    format!("ADMINNOTICES#{region}")
}

/// `NOTICEHEAD#<feed partition>` / `HEAD`: the latest few notices of one feed, rewritten
/// by every publish to that feed, so that the dashboard reads feeds by key (BatchGet)
/// instead of querying each.
pub fn notice_head(feed: &str) -> (String, String) {
    (format!("NOTICEHEAD#{feed}"), "HEAD".into())
}

/// `STATION#<sid>` / `NOTICEREADS`: the ids of the notices the station has opened (a
/// string set), added to in the transaction that writes each read receipt.
pub fn notice_reads(station_id: &str) -> (String, String) {
    (format!("STATION#{station_id}"), "NOTICEREADS".into())
}

/// `NOTICEUPLOAD#<id>` / `UPLOAD`: an attachment an admin announced for a notice not
/// yet published (TTL); publishing consumes it.
pub fn notice_upload(id: &str) -> (String, String) {
    (format!("NOTICEUPLOAD#{id}"), "UPLOAD".into())
}

/// `STATION#<sid>` / `SUMMARY#<month>`: a station's monthly summary (月度总结).
pub fn summary(station_id: &str, month: &str) -> (String, String) {
    (format!("STATION#{station_id}"), format!("SUMMARY#{month}"))
}

/// Sort-key prefix of a station's summaries (not their attachments: `SUMMARYATT#` does
/// not start with it).
pub const SUMMARY_PREFIX: &str = "SUMMARY#";

/// `STATION#<sid>` / `SUMMARYATT#<month>#<id>`: one attachment of a monthly summary.
pub fn summary_attachment(station_id: &str, month: &str, id: &str) -> (String, String) {
    (format!("STATION#{station_id}"), format!("SUMMARYATT#{month}#{id}"))
}

/// Sort-key prefix of one month's summary attachments (excludes the counter).
pub fn summary_attachments_prefix(month: &str) -> String {
    format!("SUMMARYATT#{month}#")
}

/// `STATION#<sid>` / `SUMMARYATT#<month>`: how many attachments a month's summary has.
pub fn summary_attachment_counter(station_id: &str, month: &str) -> (String, String) {
    (format!("STATION#{station_id}"), format!("SUMMARYATT#{month}"))
}

/// `ACCOUNT#<id>` / `NOTIF#<notification id>`: an in-app notification (站内通知) of an
/// account; notification ids begin with their time, so the sort key orders them.
pub fn notification(account_id: &str, id: &str) -> (String, String) {
    (format!("ACCOUNT#{account_id}"), format!("NOTIF#{id}"))
}

/// Sort-key prefix of an account's notifications.
pub const NOTIFICATION_PREFIX: &str = "NOTIF#";

/// GSI1 partition of an account's unread notifications (sparse: removed when read);
/// sort key the notification id.
pub fn unread_notifications_gsi1(account_id: &str) -> String {
    format!("UNREAD#{account_id}")
}
