pub mod fake_loki;
