pub mod fake_logql;
pub mod fake_loki;
pub mod live;
pub mod loki_data;
