//! A running `kaudit tail`: its output lines as they come, and a clean stop.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

pub struct Running {
    child: Option<Child>,
    lines: Receiver<String>,
    pub got: Vec<String>,
}

impl Running {
    pub fn start(args: &[&str]) -> Running {
        let mut child = Command::new(env!("CARGO_BIN_EXE_kaudit"))
            .args(args)
            .env_remove("NO_COLOR")
            .env_remove("LOKI_ADDR")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn kaudit");
        let out = child.stdout.take().expect("stdout");
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            for l in BufReader::new(out).lines() {
                let Ok(l) = l else { return };
                if tx.send(l).is_err() {
                    return;
                }
            }
        });
        Running {
            child: Some(child),
            lines: rx,
            got: Vec::new(),
        }
    }

    /// Wait until `n` lines in all have arrived (or `within` passed).
    pub fn wait_for(&mut self, n: usize, within: Duration) -> &[String] {
        let deadline = Instant::now() + within;
        while self.got.len() < n {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(l) => self.got.push(l),
                Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => break,
            }
        }
        &self.got
    }

    /// Any more lines within `quiet` (there should be none).
    pub fn settle(&mut self, quiet: Duration) -> &[String] {
        while let Ok(l) = self.lines.recv_timeout(quiet) {
            self.got.push(l);
        }
        &self.got
    }

    /// Ctrl-C, as an operator stops it; returns the exit code and stderr.
    pub fn interrupt(mut self) -> (Option<i32>, String) {
        let child = self.child.take().expect("running");
        let pid = child.id().to_string();
        let _ = Command::new("kill").args(["-INT", &pid]).status();
        let out = child.wait_with_output().expect("wait");
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(c) = &mut self.child {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}
