//! The help screen, generated from the keymap and the command table, and
//! the question asked before secret values are shown.

use super::super::app::{AppState, COMMANDS};
use super::super::keymap::Mode;
use super::super::theme::{Role, Theme};
use crate::model::text::{sanitize, truncate};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

pub fn help(st: &AppState, theme: &Theme, f: &mut Frame, area: Rect, scroll: usize) {
    let mut lines: Vec<(String, Role)> = Vec::new();
    let section = |lines: &mut Vec<(String, Role)>, t: &str| {
        if !lines.is_empty() {
            lines.push((String::new(), Role::Text));
        }
        lines.push((format!(" {t}"), Role::Header));
    };
    for (mode, title) in [
        (Mode::Normal, "Keys"),
        (Mode::Input, "On the filter and command lines"),
        (Mode::Confirm, "When asked"),
        (Mode::Pick, "When choosing (:cluster)"),
    ] {
        section(&mut lines, title);
        for (keys, what) in st.keymap.help(mode) {
            lines.push((format!("   {keys:<22} {what}"), Role::Text));
        }
        if mode == Mode::Input {
            lines.push((
                "   type to edit: ←/→ home end, backspace, ctrl-w deletes a word, ctrl-u clears"
                    .into(),
                Role::Muted,
            ));
        }
    }
    section(
        &mut lines,
        "Commands (type : then the name; a unique start is enough)",
    );
    for (name, arg, what) in COMMANDS {
        lines.push((
            format!("   :{:<21} {what}", format!("{name} {arg}")),
            Role::Text,
        ));
    }
    section(&mut lines, "Filter (docs/filters.md)");
    for l in [
        "field:value, all must hold; * wildcard; a,b any of; -term negates",
        "fields: user group as verb resource sub ns name apigroup code decision",
        "        reason ip agent stage level auditid uri",
        "code:403 code:4xx code:>=400   resource:pods/exec   ns:\"\" (cluster scope)",
        "presets: @secrets @denied @exec @humans @writes @rbac @impersonated @anonymous",
        "a bare word fuzzy-matches \"user verb resource ns/name code\"; hits are highlighted",
    ] {
        lines.push((format!("   {l}"), Role::Text));
    }
    let h = area.height as usize;
    let top = scroll.min(lines.len().saturating_sub(h));
    let w = area.width as usize;
    let shown: Vec<Line> = lines
        .iter()
        .skip(top)
        .take(h)
        .map(|(t, r)| Line::styled(truncate(t, w).into_owned(), theme.style(*r)))
        .collect();
    f.render_widget(Clear, area);
    f.render_widget(Paragraph::new(shown), area);
}

/// A box of `height` rows (at most 64 columns) in the middle of `area`,
/// cleared, with a titled border.
fn dialog(
    theme: &Theme,
    f: &mut Frame,
    area: Rect,
    height: u16,
    title: &'static str,
    role: Role,
) -> (Rect, Block<'static>) {
    let w = area.width.min(64);
    let h = area.height.min(height);
    let r = Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    };
    f.render_widget(Clear, r);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.style(Role::Border))
        .title(title)
        .title_style(theme.style(role));
    (r, block)
}

pub fn confirm(theme: &Theme, f: &mut Frame, area: Rect) {
    let (r, block) = dialog(theme, f, area, 7, " Show secret values? ", Role::Secret);
    let text = vec![
        Line::styled(
            "Secret data, tokens and applied configurations will be shown",
            theme.style(Role::Text),
        ),
        Line::styled(
            "as logged, on this screen, until you press r again.",
            theme.style(Role::Text),
        ),
        Line::styled("", theme.style(Role::Text)),
        Line::styled(
            "y show them    n keep them redacted",
            theme.style(Role::Accent),
        ),
    ];
    f.render_widget(
        Paragraph::new(text).block(block).wrap(Wrap { trim: true }),
        r,
    );
}

/// The cluster picker: all of them, or one (a new load of the window).
pub fn clusters(st: &AppState, theme: &Theme, f: &mut Frame, area: Rect, sel: usize) {
    // Borders, the question, "all", each cluster, a blank line, the keys.
    let rows_needed = st.clusters.len() as u16 + 6;
    let (r, block) = dialog(
        theme,
        f,
        area,
        rows_needed,
        " Which cluster? ",
        Role::Header,
    );
    let (w, h) = (r.width, r.height);
    let loaded = |c: Option<&String>| c == st.cluster.as_ref();
    let mut rows = vec![(format!("all {} clusters", st.clusters.len()), loaded(None))];
    rows.extend(
        st.clusters
            .iter()
            .map(|c| (sanitize(c).into_owned(), loaded(Some(c)))),
    );
    let inner = h.saturating_sub(5) as usize;
    let top = sel.saturating_sub(inner.saturating_sub(1));
    let mut text: Vec<Line> = vec![Line::styled(
        "The streams come from several clusters:",
        theme.style(Role::Muted),
    )];
    for (i, (name, now)) in rows.iter().enumerate().skip(top).take(inner) {
        let mark = if *now { "  (loaded)" } else { "" };
        let full = format!("{} {name}{mark}", if i == sel { "›" } else { " " });
        let line = truncate(&full, w as usize - 2).into_owned();
        let role = if i == sel {
            Role::Selection
        } else {
            Role::Text
        };
        text.push(Line::styled(line, theme.style(role)));
    }
    text.push(Line::styled("", theme.style(Role::Text)));
    text.push(Line::styled(
        "enter load it    esc keep what is loaded",
        theme.style(Role::Accent),
    ));
    f.render_widget(Paragraph::new(text).block(block), r);
}
