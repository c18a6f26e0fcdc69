//! Themes: files of semantic roles (denied, secret, exec, selection, muted …),
//! embedded from `themes/`; a file of the same name in the user's config
//! directory replaces a bundled one, and any theme replaces the default's
//! roles one by one. A bad theme is an error naming the file and the key.

use ratatui::style::{Color, Modifier, Style};
use std::collections::HashMap;
use std::path::Path;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    Text,
    Muted,
    Accent,
    Border,
    Title,
    Header,
    Selection,
    Denied,
    Secret,
    Exec,
    Human,
    System,
    Ok,
    Warning,
    Error,
    High,
    Medium,
    Low,
    Highlight,
    Mark,
    Gauge,
}

const ROLES: &[(&str, Role)] = &[
    ("text", Role::Text),
    ("muted", Role::Muted),
    ("accent", Role::Accent),
    ("border", Role::Border),
    ("title", Role::Title),
    ("header", Role::Header),
    ("selection", Role::Selection),
    ("denied", Role::Denied),
    ("secret", Role::Secret),
    ("exec", Role::Exec),
    ("human", Role::Human),
    ("system", Role::System),
    ("ok", Role::Ok),
    ("warning", Role::Warning),
    ("error", Role::Error),
    ("high", Role::High),
    ("medium", Role::Medium),
    ("low", Role::Low),
    ("highlight", Role::Highlight),
    ("mark", Role::Mark),
    ("gauge", Role::Gauge),
];

pub const BUNDLED: &[(&str, &str)] = &[
    ("default", include_str!("../../themes/default.toml")),
    ("light", include_str!("../../themes/light.toml")),
    (
        "high-contrast",
        include_str!("../../themes/high-contrast.toml"),
    ),
    ("mono", include_str!("../../themes/mono.toml")),
];

#[derive(Debug, Clone)]
pub struct Theme {
    pub name: String,
    styles: HashMap<Role, Style>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("theme {file}: {key}: {message}")]
pub struct ThemeError {
    pub file: String,
    pub key: String,
    pub message: String,
}

impl Theme {
    pub fn style(&self, role: Role) -> Style {
        self.styles.get(&role).copied().unwrap_or_default()
    }

    /// The bundled default.
    pub fn default_theme() -> Theme {
        // The bundled file is tested to parse; fall back to no styles at all.
        parse("default", BUNDLED[0].1, "default.toml").unwrap_or(Theme {
            name: "default".into(),
            styles: HashMap::new(),
        })
    }

    /// A theme by name: the user's file (`dir/NAME.toml`) if there is one, else
    /// a bundled one; its roles over the default's.
    pub fn load(name: &str, user_dir: Option<&Path>) -> Result<Theme, ThemeError> {
        let user = user_dir
            .map(|d| d.join(format!("{name}.toml")))
            .filter(|p| p.is_file());
        let (text, file) = match user {
            Some(p) => (
                std::fs::read_to_string(&p).map_err(|e| ThemeError {
                    file: p.display().to_string(),
                    key: "-".into(),
                    message: e.to_string(),
                })?,
                p.display().to_string(),
            ),
            None => match BUNDLED.iter().find(|(n, _)| *n == name) {
                Some((_, t)) => (t.to_string(), format!("{name}.toml")),
                None => {
                    let known: Vec<&str> = BUNDLED.iter().map(|(n, _)| *n).collect();
                    return Err(ThemeError {
                        file: format!("{name}.toml"),
                        key: "-".into(),
                        message: format!("no such theme (bundled: {})", known.join(", ")),
                    });
                }
            },
        };
        let mut t = Theme::default_theme();
        let over = parse(name, &text, &file)?;
        t.name = over.name;
        t.styles.extend(over.styles);
        Ok(t)
    }
}

impl Theme {
    /// Without truecolor (`COLORTERM` unset, as over many SSH links and with
    /// `TERM=xterm-256color`), `#rrggbb` colours become their nearest of the
    /// 256; named and indexed colours pass as they are.
    pub fn for_terminal(mut self, truecolor: bool) -> Theme {
        if !truecolor {
            for s in self.styles.values_mut() {
                s.fg = s.fg.map(to_256);
                s.bg = s.bg.map(to_256);
            }
        }
        self
    }
}

fn to_256(c: Color) -> Color {
    let Color::Rgb(r, g, b) = c else { return c };
    // The 6x6x6 cube (16-231) or the grey ramp (232-255), whichever is nearer.
    let level = |v: u8| if v < 48 { 0 } else if v < 115 { 1 } else { (v as u16 - 35) / 40 } as u8;
    let steps = [0u8, 95, 135, 175, 215, 255];
    let (ri, gi, bi) = (level(r), level(g), level(b));
    let cube = (steps[ri as usize], steps[gi as usize], steps[bi as usize]);
    let avg = (r as u16 + g as u16 + b as u16) / 3;
    let gi_ = if avg > 238 {
        23
    } else {
        (avg.saturating_sub(3) / 10) as u8
    };
    let grey = 8 + 10 * gi_ as u16;
    let d = |a: (u16, u16, u16)| {
        let (x, y, z) = (
            r as i32 - a.0 as i32,
            g as i32 - a.1 as i32,
            b as i32 - a.2 as i32,
        );
        x * x + y * y + z * z
    };
    if d((grey, grey, grey)) < d((cube.0 as u16, cube.1 as u16, cube.2 as u16)) {
        Color::Indexed(232 + gi_)
    } else {
        Color::Indexed(16 + 36 * ri + 6 * gi + bi)
    }
}

fn parse(name: &str, text: &str, file: &str) -> Result<Theme, ThemeError> {
    let err = |key: &str, message: String| ThemeError {
        file: file.to_string(),
        key: key.to_string(),
        message,
    };
    let v: toml::Table = text
        .parse()
        .map_err(|e: toml::de::Error| err("-", e.message().to_string()))?;
    let mut styles = HashMap::new();
    for k in v.keys() {
        if k != "roles" {
            return Err(err(k, "unknown key (a theme has only [roles])".into()));
        }
    }
    let Some(roles) = v.get("roles") else {
        return Ok(Theme {
            name: name.into(),
            styles,
        });
    };
    let roles = roles
        .as_table()
        .ok_or_else(|| err("roles", "must be a table".into()))?;
    for (rk, rv) in roles {
        let role = ROLES
            .iter()
            .find(|(n, _)| n == rk)
            .map(|&(_, r)| r)
            .ok_or_else(|| {
                let names: Vec<&str> = ROLES.iter().map(|(n, _)| *n).collect();
                err(
                    &format!("roles.{rk}"),
                    format!("unknown role (roles: {})", names.join(", ")),
                )
            })?;
        let t = rv.as_table().ok_or_else(|| {
            err(
                &format!("roles.{rk}"),
                "must be a table like { fg = \"red\" }".into(),
            )
        })?;
        let mut s = Style::default();
        for (fk, fv) in t {
            let key = format!("roles.{rk}.{fk}");
            match fk.as_str() {
                "fg" | "bg" => {
                    let c = color(fv).map_err(|m| err(&key, m))?;
                    s = if fk == "fg" { s.fg(c) } else { s.bg(c) };
                }
                "bold" | "italic" | "underline" | "reversed" => {
                    let on = fv
                        .as_bool()
                        .ok_or_else(|| err(&key, "must be true or false".into()))?;
                    let m = match fk.as_str() {
                        "bold" => Modifier::BOLD,
                        "italic" => Modifier::ITALIC,
                        "underline" => Modifier::UNDERLINED,
                        _ => Modifier::REVERSED,
                    };
                    if on {
                        s = s.add_modifier(m);
                    }
                }
                _ => {
                    return Err(err(
                        &key,
                        "unknown attribute (fg, bg, bold, italic, underline, reversed)".into(),
                    ));
                }
            }
        }
        styles.insert(role, s);
    }
    Ok(Theme {
        name: name.into(),
        styles,
    })
}

fn color(v: &toml::Value) -> Result<Color, String> {
    if let Some(i) = v.as_integer() {
        return u8::try_from(i)
            .map(Color::Indexed)
            .map_err(|_| format!("{i} is not a colour index 0-255"));
    }
    let s = v
        .as_str()
        .ok_or("must be a colour name, \"#rrggbb\" or 0-255")?;
    if let Some(hex) = s.strip_prefix('#') {
        if hex.len() == 6 {
            if let Ok(n) = u32::from_str_radix(hex, 16) {
                return Ok(Color::Rgb((n >> 16) as u8, (n >> 8) as u8, n as u8));
            }
        }
        return Err(format!("{s:?} is not #rrggbb"));
    }
    s.parse::<Color>()
        .map_err(|_| format!("unknown colour {s:?}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_themes_parse_and_cover_every_role() {
        for (name, text) in BUNDLED {
            let t = parse(name, text, name).unwrap_or_else(|e| panic!("{e}"));
            for (role_name, role) in ROLES {
                assert!(t.styles.contains_key(role), "{name} lacks {role_name}");
            }
        }
    }

    #[test]
    fn user_themes_override_by_name_and_role() {
        let d = tempfile::tempdir().expect("tempdir");
        std::fs::write(
            d.path().join("default.toml"),
            "[roles]\ndenied = { fg = \"#ff8800\" }\n",
        )
        .expect("write");
        let t = Theme::load("default", Some(d.path())).expect("loads");
        assert_eq!(t.style(Role::Denied).fg, Some(Color::Rgb(0xff, 0x88, 0)));
        assert_eq!(
            t.style(Role::Secret),
            Theme::default_theme().style(Role::Secret),
            "other roles stay"
        );
    }

    #[test]
    fn truecolor_falls_back_to_the_256_palette() {
        let d = tempfile::tempdir().expect("tempdir");
        std::fs::write(d.path().join("t.toml"), "[roles]\ndenied = { fg = \"#ff0000\", bg = \"#808080\" }\nsecret = { fg = \"magenta\" }\n").expect("write");
        let t = Theme::load("t", Some(d.path())).expect("loads");
        assert_eq!(
            t.clone().for_terminal(true).style(Role::Denied).fg,
            Some(Color::Rgb(255, 0, 0))
        );
        let t = t.for_terminal(false);
        assert_eq!(
            t.style(Role::Denied).fg,
            Some(Color::Indexed(196)),
            "pure red is cube 5,0,0"
        );
        assert_eq!(
            t.style(Role::Denied).bg,
            Some(Color::Indexed(244)),
            "mid grey is on the ramp"
        );
        assert_eq!(
            t.style(Role::Secret).fg,
            Some(Color::Magenta),
            "named colours stay"
        );
    }

    #[test]
    fn bad_themes_name_the_file_and_key() {
        let d = tempfile::tempdir().expect("tempdir");
        std::fs::write(
            d.path().join("mine.toml"),
            "[roles]\ndenied = { fg = \"redd\" }\n",
        )
        .expect("write");
        let e = Theme::load("mine", Some(d.path())).expect_err("bad colour");
        assert!(
            e.to_string()
                .ends_with("mine.toml: roles.denied.fg: unknown colour \"redd\""),
            "{e}"
        );
        std::fs::write(
            d.path().join("mine.toml"),
            "[roles]\ndenyed = { fg = \"red\" }\n",
        )
        .expect("write");
        assert!(
            Theme::load("mine", Some(d.path()))
                .expect_err("bad role")
                .to_string()
                .contains("roles.denyed: unknown role")
        );
        assert!(
            Theme::load("nope", None)
                .expect_err("missing")
                .to_string()
                .contains("no such theme")
        );
    }
}
