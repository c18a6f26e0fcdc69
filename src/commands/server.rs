//! `summary`, `users` and `objects` answered by Loki's counts (server-side
//! grouping, `source::loki::counts`) when the window is too large to
//! download, or when asked with `--server-side`. The counts fill the same
//! tally a download would, and the same writers print it.

use super::RunError;
use crate::config::{Action, QueryConfig, ServerSide};
use crate::export::table::thousands;
use crate::index::groups::{ObjectGroup, Tally, UserGroup};
use crate::index::{Index, ObjKey};
use crate::model::Nanos;
use crate::source::loki::counts::{Counter, Dim, too_many_series};
use crate::source::loki::{self, LokiError};
use crate::source::{SourceError, SourceSpec};
use std::collections::HashMap;
use std::io::Write;

/// Who groups the requests.
pub enum Plan {
    /// Loki, with metric queries.
    Count(Counter),
    /// kaudit, from the lines; Loki already prepared when it was asked.
    Download(Option<loki::Prepared>),
}

/// Loki counting, when it should.
pub fn plan(cfg: &QueryConfig, err: &mut dyn Write) -> Result<Plan, RunError> {
    let [SourceSpec::Loki(spec)] = cfg.sources.as_slice() else {
        return Ok(Plan::Download(None));
    };
    if cfg.server_side == ServerSide::Never
        || !matches!(
            cfg.action,
            Action::Summary | Action::Users | Action::Objects
        )
    {
        return Ok(Plan::Download(None));
    }
    let p = loki::prepare(spec).map_err(SourceError::from)?;
    if let ServerSide::Auto { above } = cfg.server_side {
        let Some((entries, bytes)) = loki::counts::stats(&p, spec.start, spec.end) else {
            return Ok(Plan::Download(Some(p)));
        };
        if bytes <= above {
            return Ok(Plan::Download(Some(p)));
        }
        let size = format!(
            "the window holds {} entries ({:.1} GB) in Loki",
            thousands(entries),
            bytes as f64 / 1e9
        );
        if !p.pushdown.local.is_empty() {
            writeln!(
                err,
                "kaudit: {size}, but only kaudit evaluates {}: downloading the lines",
                p.pushdown.local.join(" ")
            )?;
            return Ok(Plan::Download(Some(p)));
        }
        writeln!(
            err,
            "kaudit: {size}: Loki counts the requests instead (--no-server-side downloads the lines)"
        )?;
    }
    for n in &p.notes {
        writeln!(err, "kaudit: {}", crate::model::text::sanitize(n))?;
    }
    Counter::new(p, spec.start, spec.end)
        .map(Plan::Count)
        .map_err(|e| RunError::Source(e.into()))
}

/// Count with Loki and print as the command does.
pub fn run(
    cfg: &QueryConfig,
    mut c: Counter,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<(), RunError> {
    let mut b = Build::new();
    let mut partial = Vec::new();
    let result = match cfg.action {
        Action::Users => b
            .users(&mut c, &mut partial)
            .map(|()| super::groups::write_users(cfg, &b.idx, &b.t, out)),
        Action::Objects => b
            .objects(&mut c, &mut partial)
            .map(|()| super::groups::write_objects(cfg, &b.idx, &b.t, out)),
        _ => b.summary(&mut c, &mut partial).map(|s| {
            let mut sum = super::summary::Summary::from_tally(&b.idx, &b.t);
            sum.events = s.events;
            sum.malformed = s.malformed;
            sum.first = s.first;
            sum.last = s.last;
            sum.timeline = Some((s.step, s.points));
            super::summary::write_summary(cfg, &b.idx, &sum, out)
        }),
    };
    let written = result.map_err(|e| RunError::Source(SourceError::from(e)))?;
    written.and_then(|()| out.flush()).map_err(RunError::Io)?;
    writeln!(
        err,
        "kaudit: Loki counted these requests ({} metric queries): each request by its last event (ResponseComplete, or a failed authentication), requests still running left out; denied = code 401 or 403, first and last to the {} s step",
        c.sent.len(),
        c.step() / 1_000_000_000
    )?;
    for p in partial {
        writeln!(err, "kaudit: {p}")?;
    }
    writeln!(
        err,
        "kaudit: to see the lines of one group, filter to it (e.g. kaudit events --filter user:NAME): only its lines are fetched"
    )?;
    Ok(())
}

/// What summary needs beyond the tally.
struct Totals {
    events: u64,
    malformed: u64,
    first: Nanos,
    last: Nanos,
    step: Nanos,
    points: Vec<(Nanos, u64)>,
}

/// A tally filled from counts, over an index that holds only the names.
struct Build {
    idx: Index,
    t: Tally,
    objects: HashMap<ObjKey, usize>,
}

const DENIED: &str = r#" | g_code=~"401|403""#;
const OBJECT: [Dim; 4] = [Dim::Resource, Dim::Subresource, Dim::Namespace, Dim::Name];
const HAS_OBJECT: &str = r#" | g_resource!="""#;

impl Build {
    fn new() -> Build {
        Build {
            idx: Index::new(),
            t: Tally::default(),
            objects: HashMap::new(),
        }
    }

    fn user(&mut self, name: &str) -> &mut UserGroup {
        let user = self.idx.syms.intern(name);
        self.t
            .users
            .entry(user)
            .or_insert_with(|| UserGroup::new(user))
    }

    fn object(&mut self, v: &[String]) -> &mut ObjectGroup {
        let mut s = |i: usize| self.idx.syms.intern(&v[i]);
        let key = ObjKey {
            resource: s(0),
            subresource: s(1),
            namespace: s(2),
            name: s(3),
        };
        let at = *self.objects.entry(key).or_insert(self.t.objects.len());
        if at == self.t.objects.len() {
            self.t.objects.push(ObjectGroup::new(key));
        }
        &mut self.t.objects[at]
    }

    /// Requests and denied requests per user: what every command needs.
    fn per_user(&mut self, c: &mut Counter) -> Result<(), LokiError> {
        for (v, n) in c.count(&[Dim::User], "")? {
            self.t.requests += n;
            self.user(&v[0]).requests += n;
        }
        for (v, n) in c.count(&[Dim::User], DENIED)? {
            self.user(&v[0]).denied += n;
        }
        Ok(())
    }

    fn users(&mut self, c: &mut Counter, partial: &mut Vec<String>) -> Result<(), LokiError> {
        self.per_user(c)?;
        if let Some(rows) = breakdown(
            c.count(&[Dim::User, Dim::Verb], ""),
            "the verbs per user",
            partial,
        )? {
            for (v, n) in rows {
                let verb = self.idx.syms.intern(&v[1]);
                self.user(&v[0]).verbs.add(verb, n as i64);
            }
        }
        let by = [Dim::User, Dim::Resource, Dim::Subresource];
        if let Some(rows) = breakdown(c.count(&by, HAS_OBJECT), "the resources per user", partial)?
        {
            for (v, n) in rows {
                let key = (self.idx.syms.intern(&v[1]), self.idx.syms.intern(&v[2]));
                self.user(&v[0]).resources.add(key, n as i64);
            }
        }
        let tl = c.timeline(&[Dim::User], "")?;
        for (v, points) in tl.rows {
            let (first, last) = bounds(&points, tl.step, c);
            let u = self.user(&v[0]);
            u.first = u.first.min(first);
            u.last = u.last.max(last);
        }
        Ok(())
    }

    fn objects(&mut self, c: &mut Counter, partial: &mut Vec<String>) -> Result<(), LokiError> {
        for (v, n) in c.count(&OBJECT, HAS_OBJECT)? {
            self.object(&v).requests += n;
        }
        let by = [
            Dim::Resource,
            Dim::Subresource,
            Dim::Namespace,
            Dim::Name,
            Dim::User,
        ];
        if let Some(rows) = breakdown(c.count(&by, HAS_OBJECT), "the users per object", partial)? {
            for (v, n) in rows {
                let user = self.idx.syms.intern(&v[4]);
                self.object(&v[..4]).users.add(user, n as i64);
            }
        }
        let tl = c.timeline(&OBJECT, HAS_OBJECT)?;
        for (v, points) in tl.rows {
            let (first, last) = bounds(&points, tl.step, c);
            let o = self.object(&v);
            o.first = o.first.min(first);
            o.last = o.last.max(last);
        }
        Ok(())
    }

    /// The totals, each from a query of few series; the top objects when
    /// Loki allows as many series as there are objects.
    fn summary(&mut self, c: &mut Counter, partial: &mut Vec<String>) -> Result<Totals, LokiError> {
        self.per_user(c)?;
        for (v, n) in c.count(&[Dim::Verb], "")? {
            let verb = self.idx.syms.intern(&v[0]);
            self.t.verbs.add(verb, n as i64);
        }
        for (v, n) in c.count(&[Dim::Code], "")? {
            match v[0].parse::<u16>() {
                Ok(code) => self.t.codes.add(code, n as i64),
                Err(_) => self.t.no_code += n,
            }
            if matches!(v[0].as_str(), "401" | "403") {
                self.t.denied += n;
            }
        }
        for (v, n) in c.count(&[Dim::Resource, Dim::Subresource], "")? {
            if v[0] == "secrets" {
                self.t.secrets += n;
            }
            if matches!(v[1].as_str(), "exec" | "attach" | "portforward") {
                self.t.exec += n;
            }
        }
        if let Some(rows) = breakdown(c.count(&OBJECT, HAS_OBJECT), "the top objects", partial)? {
            for (v, n) in rows {
                self.object(&v).requests += n;
            }
        }
        let (events, malformed) = c.events()?;
        let tl = c.timeline(&[], "")?;
        let points = tl.rows.into_iter().next().map(|r| r.1).unwrap_or_default();
        let (first, last) = bounds(&points, tl.step, c);
        Ok(Totals {
            events,
            malformed,
            first,
            last,
            step: tl.step,
            points,
        })
    }
}

/// A breakdown Loki may refuse for its series limit: then left out, and said.
fn breakdown(
    r: Result<loki::counts::Counts, LokiError>,
    what: &str,
    partial: &mut Vec<String>,
) -> Result<Option<loki::counts::Counts>, LokiError> {
    match r {
        Ok(rows) => Ok(Some(rows)),
        Err(e) if too_many_series(&e) => {
            partial.push(format!("{what} are left out: {e}"));
            Ok(None)
        }
        Err(e) => Err(e),
    }
}

/// The window's part the first and last steps with requests cover.
fn bounds(points: &[(Nanos, u64)], step: Nanos, c: &Counter) -> (Nanos, Nanos) {
    let (lo, hi) = c.window();
    match (points.first(), points.last()) {
        (Some(f), Some(l)) => ((f.0 - step).max(lo), l.0.min(hi - 1)),
        _ => (Nanos::MAX, Nanos::MIN),
    }
}
