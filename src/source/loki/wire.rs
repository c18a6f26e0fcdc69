//! Loki's JSON answers, as a real Loki writes them (see `tests/fixtures/loki`):
//! timestamps are strings of nanoseconds, a value may carry a third element
//! (categorized labels), and an empty answer may have no `data` at all.

use crate::model::Nanos;
use serde::Deserialize;
use serde::de::IgnoredAny;
use std::collections::{BTreeMap, BTreeSet};

#[derive(Deserialize)]
struct Answer<T> {
    #[serde(default)]
    status: String,
    data: Option<T>,
    /// What Loki says it left out or could not do (partial results).
    #[serde(default)]
    warnings: Vec<String>,
}

#[derive(Deserialize)]
struct StreamsData {
    #[serde(rename = "resultType", default)]
    result_type: String,
    #[serde(default)]
    result: Vec<Stream>,
}

#[derive(Deserialize)]
struct Stream {
    #[serde(default)]
    values: Vec<Value>,
}

/// `[ts, line]` or `[ts, line, {structuredMetadata, parsed}]`.
#[derive(Deserialize)]
struct Value(
    String,
    String,
    #[serde(default)]
    #[allow(dead_code)]
    Option<IgnoredAny>,
);

/// The same answer read for the names of its labels.
#[derive(Deserialize)]
struct LabelledStream {
    #[serde(default)]
    stream: BTreeMap<String, IgnoredAny>,
    #[serde(default)]
    values: Vec<LabelledValue>,
}

#[derive(Deserialize)]
struct LabelledValue(
    IgnoredAny,
    IgnoredAny,
    #[serde(default)] Option<Categorized>,
);

#[derive(Deserialize)]
struct Categorized {
    #[serde(rename = "structuredMetadata", default)]
    structured_metadata: BTreeMap<String, IgnoredAny>,
}

/// Every label name on the entries of a `query_range` answer: stream labels
/// (where Loki merges structured metadata unless asked to categorize) and
/// categorized structured metadata.
pub fn label_keys(body: &[u8]) -> Result<BTreeSet<String>, String> {
    #[derive(Deserialize)]
    struct Data {
        #[serde(default)]
        result: Vec<LabelledStream>,
    }
    let a: Answer<Data> =
        serde_json::from_slice(body).map_err(|e| format!("not a Loki answer ({e})"))?;
    let mut out = BTreeSet::new();
    for s in a.data.map(|d| d.result).unwrap_or_default() {
        out.extend(s.stream.into_keys());
        for LabelledValue(_, _, c) in s.values {
            out.extend(
                c.into_iter()
                    .flat_map(|c| c.structured_metadata.into_keys()),
            );
        }
    }
    Ok(out)
}

/// One log entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub ts: Nanos,
    pub line: String,
}

/// The entries of a `query_range` answer over streams, oldest first (streams
/// come in no particular order, so they are merged here).
pub fn entries(body: &[u8]) -> Result<Vec<Entry>, String> {
    page(body).map(|p| p.entries)
}

/// The entries of several streams, oldest first.
fn merged(streams: Vec<Stream>) -> Result<Vec<Entry>, String> {
    let mut out = Vec::new();
    for s in streams {
        for Value(ts, line, _) in s.values {
            let ts: Nanos = ts
                .parse()
                .map_err(|_| format!("the timestamp {ts:?} is not a number of nanoseconds"))?;
            out.push(Entry { ts, line });
        }
    }
    out.sort_by_key(|e| e.ts);
    Ok(out)
}

/// A `query_range` answer: its entries, and Loki's warnings.
pub struct Page {
    pub entries: Vec<Entry>,
    pub warnings: Vec<String>,
}

pub fn page(body: &[u8]) -> Result<Page, String> {
    let a: Answer<StreamsData> =
        serde_json::from_slice(body).map_err(|e| format!("not a Loki answer ({e})"))?;
    if a.status != "success" {
        return Err(format!("status {:?}", a.status));
    }
    let warnings = a.warnings;
    let Some(d) = a.data else {
        return Ok(Page {
            entries: Vec::new(),
            warnings,
        });
    };
    if d.result_type != "streams" && !d.result.is_empty() {
        return Err(format!(
            "a {} answer where log lines were expected",
            d.result_type
        ));
    }
    Ok(Page {
        entries: merged(d.result)?,
        warnings,
    })
}

/// A text frame of the `/loki/api/v1/tail` WebSocket (captures 60–62): new
/// entries, and how many the server dropped because the client was slow.
pub struct TailFrame {
    pub entries: Vec<Entry>,
    pub dropped: u64,
}

#[derive(Deserialize)]
struct TailData {
    #[serde(default)]
    streams: Vec<Stream>,
    /// `[{"labels":{…},"timestamp":"…"}]`; absent when nothing was dropped.
    #[serde(default)]
    dropped_entries: Option<Vec<IgnoredAny>>,
}

pub fn tail_frame(body: &[u8]) -> Result<TailFrame, String> {
    let d: TailData =
        serde_json::from_slice(body).map_err(|e| format!("not a Loki tail frame ({e})"))?;
    Ok(TailFrame {
        entries: merged(d.streams)?,
        dropped: d.dropped_entries.map_or(0, |d| d.len() as u64),
    })
}

/// One series of a metric answer: its labels and its samples, each a time in
/// seconds (a JSON number) and a value (a string), as captures 40 and 41 show.
/// An instant vector has one sample per series.
pub struct Series {
    pub labels: BTreeMap<String, String>,
    pub samples: Vec<(f64, f64)>,
}

#[derive(Deserialize)]
struct MetricData {
    #[serde(rename = "resultType", default)]
    result_type: String,
    #[serde(default)]
    result: Vec<MetricSeries>,
}

#[derive(Deserialize)]
struct MetricSeries {
    #[serde(default)]
    metric: BTreeMap<String, String>,
    value: Option<(f64, String)>,
    #[serde(default)]
    values: Vec<(f64, String)>,
}

/// A `/query` (vector) or metric `/query_range` (matrix) answer.
pub fn series(body: &[u8]) -> Result<Vec<Series>, String> {
    let a: Answer<MetricData> =
        serde_json::from_slice(body).map_err(|e| format!("not a Loki answer ({e})"))?;
    if a.status != "success" {
        return Err(format!("status {:?}", a.status));
    }
    if let Some(w) = a.warnings.first() {
        return Err(format!("Loki warned: {w}"));
    }
    let Some(d) = a.data else {
        return Ok(Vec::new());
    };
    if !matches!(d.result_type.as_str(), "vector" | "matrix") && !d.result.is_empty() {
        return Err(format!(
            "a {} answer where counts were expected",
            d.result_type
        ));
    }
    d.result
        .into_iter()
        .map(|s| {
            let samples = s
                .value
                .into_iter()
                .chain(s.values)
                .map(|(t, v)| {
                    v.parse::<f64>()
                        .map(|v| (t, v))
                        .map_err(|_| format!("the sample value {v:?} is not a number"))
                })
                .collect::<Result<_, _>>()?;
            Ok(Series {
                labels: s.metric,
                samples,
            })
        })
        .collect()
}

/// `/labels` and `/label/NAME/values`: a list of strings, or nothing.
pub fn strings(body: &[u8]) -> Result<Vec<String>, String> {
    let a: Answer<Vec<String>> =
        serde_json::from_slice(body).map_err(|e| format!("not a Loki answer ({e})"))?;
    Ok(a.data.unwrap_or_default())
}

/// The version in `/status/buildinfo`.
pub fn version(body: &[u8]) -> Option<String> {
    #[derive(Deserialize)]
    struct Build {
        version: String,
    }
    serde_json::from_slice::<Build>(body)
        .ok()
        .map(|b| b.version)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> Vec<u8> {
        let p = format!("{}/tests/fixtures/loki/{name}", env!("CARGO_MANIFEST_DIR"));
        std::fs::read(&p).unwrap_or_else(|e| panic!("{p}: {e}"))
    }

    #[test]
    fn tail_frames_as_captured() {
        // A live frame: one entry, no structured metadata, no dropped_entries.
        let f = tail_frame(&fixture("60-tail-live.frame1.json")).expect("parse");
        assert_eq!(f.entries.len(), 1);
        assert_eq!(f.entries[0].ts, 1_795_345_749_521_575_000);
        assert!(
            f.entries[0]
                .line
                .contains("89e3995a-b353-41ce-af2e-d9dd87e355b2")
        );
        assert_eq!(f.dropped, 0);
        // With a pipeline stage, metadata is merged into `stream`; the history
        // frame holds several entries.
        let f = tail_frame(&fixture(
            "61-tail-live-structured-metadata-filter.frame1.json",
        ))
        .expect("parse");
        assert!(!f.entries.is_empty());
        let f = tail_frame(&fixture("62-tail-default-start-history.frame1.json")).expect("parse");
        assert_eq!(f.entries.len(), 3);
        assert!(f.entries.windows(2).all(|w| w[0].ts <= w[1].ts));
        let dropped = br#"{"streams":[],"dropped_entries":[{"labels":{"job":"a"},"timestamp":"1"},{"labels":{"job":"a"},"timestamp":"2"}]}"#;
        assert_eq!(tail_frame(dropped).expect("parse").dropped, 2);
        assert!(tail_frame(b"{\"streams\":[{\"values\":[[\"x\",\"l\"]]}]}").is_err());
    }

    #[test]
    fn streams_are_merged_oldest_first() {
        // Captured from Loki 3.7.6: 100 entries over 78 streams, newest first within each.
        let e = entries(&fixture("10-query_range-backward-limit100.body.json")).expect("parse");
        assert_eq!(e.len(), 100);
        assert!(e.windows(2).all(|w| w[0].ts <= w[1].ts));
        // Nanosecond strings above 2^53 keep every digit.
        assert!(
            e.iter()
                .all(|x| x.ts > 1_795_330_800_000_000_000 && x.ts % 1000 == 0)
        );
        assert!(
            e.iter()
                .all(|x| x.line.starts_with('{') && x.line.contains("\"auditID\""))
        );
    }

    #[test]
    fn categorized_values_have_a_third_element() {
        let e = entries(&fixture(
            "15-query_range-structured-metadata-categorized.body.json",
        ))
        .expect("parse");
        assert_eq!(e.len(), 20);
    }

    #[test]
    fn structured_metadata_is_found_merged_or_categorized() {
        for f in [
            "14-query_range-structured-metadata.body.json",
            "15-query_range-structured-metadata-categorized.body.json",
        ] {
            let keys = label_keys(&fixture(f)).expect("parse");
            assert!(
                keys.contains("username") && keys.contains("job"),
                "{f}: {keys:?}"
            );
        }
    }

    #[test]
    fn an_answer_without_data_is_empty() {
        let empty = fixture("33-label-values-username-structured-metadata.body.json");
        assert_eq!(strings(&empty).expect("parse"), Vec::<String>::new());
        let labels = strings(&fixture("30-labels.body.json")).expect("parse");
        assert_eq!(
            labels,
            ["cluster", "job", "resource", "service_name", "verb"]
        );
        assert_eq!(
            version(&fixture("02-buildinfo.body.json")).as_deref(),
            Some("3.7.6")
        );
    }

    #[test]
    fn warnings_are_kept() {
        let p = page(br#"{"status":"success","data":{"resultType":"streams","result":[]},"warnings":["query timed out"]}"#).expect("parse");
        assert_eq!(p.warnings, ["query timed out"]);
        assert!(
            page(&fixture("10-query_range-backward-limit100.body.json"))
                .expect("parse")
                .warnings
                .is_empty()
        );
    }

    #[test]
    fn a_metric_answer_is_not_mistaken_for_lines() {
        assert!(entries(&fixture("40-metric-query_range-matrix.body.json")).is_err());
        assert!(entries(b"{\"status\":\"success\",\"data\":{\"resultType\":\"streams\",\"result\":[{\"stream\":{},\"values\":[[\"12\",\"x\"]]}").is_err());
    }

    #[test]
    fn metric_answers_as_captured() {
        let m = series(include_bytes!(
            "../../../tests/fixtures/loki/40-metric-query_range-matrix.body.json"
        ))
        .expect("a matrix");
        let create = m
            .iter()
            .find(|s| s.labels["verb"] == "create")
            .expect("create");
        assert_eq!(create.samples[0], (1795331100.0, 18.0));
        let v = series(include_bytes!(
            "../../../tests/fixtures/loki/41-metric-query-instant-vector.body.json"
        ))
        .expect("a vector");
        let create = v
            .iter()
            .find(|s| s.labels["verb"] == "create")
            .expect("create");
        assert_eq!(create.samples, vec![(1795344000.0, 30.0)]);
        assert!(series(br#"{"status":"success"}"#).is_ok_and(|s| s.is_empty()));
    }
}
