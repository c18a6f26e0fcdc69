//! PLACEHOLDER until the generator lands (being written in parallel); not committed.
pub struct DemoOptions {
    pub events: usize,
    pub seed: u64,
}
impl Default for DemoOptions {
    fn default() -> Self {
        DemoOptions {
            events: 60_000,
            seed: 1,
        }
    }
}
pub const MIN_EVENTS: usize = 1000;
pub struct DemoStats {
    pub events: usize,
    pub first: String,
    pub last: String,
}
pub fn write_demo(_: &DemoOptions, _: &mut dyn std::io::Write) -> std::io::Result<DemoStats> {
    Err(std::io::Error::other("not yet"))
}
