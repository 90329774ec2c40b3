//! How numbers, sizes and times read on screen (and in exports, where the same words are used).

/// `12,345`.
pub fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `123.4 MB` (decimal units, as registries and `docker images` show sizes).
pub fn bytes(n: i64) -> String {
    let n = n.max(0) as f64;
    const UNITS: [&str; 5] = ["B", "kB", "MB", "GB", "TB"];
    let mut v = n;
    let mut unit = 0;
    while v >= 1000.0 && unit < UNITS.len() - 1 {
        v /= 1000.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{} B", n as u64)
    } else {
        format!("{v:.1} {}", UNITS[unit])
    }
}

/// `5 min ago`, `3 h ago`, `in 2 d` for a timestamp relative to `now` (both epoch ms).
pub fn relative(ms: i64, now: f64) -> String {
    let diff = (now - ms as f64) / 1000.0;
    let (past, s) = if diff >= 0.0 {
        (true, diff)
    } else {
        (false, -diff)
    };
    let text = if s < 45.0 {
        return "just now".into();
    } else if s < 3600.0 {
        format!("{} min", (s / 60.0).round().max(1.0))
    } else if s < 86400.0 {
        format!("{} h", (s / 3600.0).round())
    } else if s < 86400.0 * 60.0 {
        format!("{} d", (s / 86400.0).round())
    } else if s < 86400.0 * 730.0 {
        format!("{} mo", (s / (86400.0 * 30.4)).round())
    } else {
        format!("{} y", (s / (86400.0 * 365.25)).round())
    };
    if past {
        format!("{text} ago")
    } else {
        format!("in {text}")
    }
}

/// `2026-11-29 09:58:12 UTC`: the exact time, unambiguous, for hover titles and exports.
pub fn exact_utc(ms: i64) -> String {
    let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms as f64));
    let iso: String = d.to_iso_string().into();
    // 2026-11-29T09:58:12.000Z → 2026-11-29 09:58:12 UTC
    match iso.get(0..19) {
        Some(s) => format!("{} UTC", s.replacen('T', " ", 1)),
        None => iso,
    }
}

/// The same instant in the browser's own time zone (shown next to the UTC form on hover).
pub fn exact_local(ms: i64) -> String {
    let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms as f64));
    String::from(d.to_locale_string("default", &wasm_bindgen::JsValue::UNDEFINED))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_groups_digits() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1234567), "1,234,567");
    }

    #[test]
    fn sizes_use_decimal_units() {
        assert_eq!(bytes(512), "512 B");
        assert_eq!(bytes(123_456_789), "123.5 MB");
    }

    #[test]
    fn relative_times_read_naturally() {
        let now = 1_000_000_000_000.0;
        assert_eq!(relative(1_000_000_000_000 - 10_000, now), "just now");
        assert_eq!(relative(1_000_000_000_000 - 300_000, now), "5 min ago");
        assert_eq!(relative(1_000_000_000_000 - 3 * 3_600_000, now), "3 h ago");
        assert_eq!(relative(1_000_000_000_000 + 2 * 86_400_000, now), "in 2 d");
    }
}
