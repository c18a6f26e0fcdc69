pub mod fake_logql;
pub mod fake_loki;
