//! Panics as data: a hook that records each panic's message and source location instead of
//! printing it, so that thousands of expected panics leave a readable test output.

use std::any::Any;
use std::panic::{self, AssertUnwindSafe};
use std::sync::Mutex;

/// Panics seen by the hook: message and source location, newest last.
static PANICS: Mutex<Vec<(String, String)>> = Mutex::new(Vec::new());

/// Runs `f` with a panic hook that records panics instead of printing them.
pub fn with_quiet_panics<T>(f: impl FnOnce() -> T) -> T {
    let previous = panic::take_hook();
    panic::set_hook(Box::new(|info| {
        let message = payload_message(info.payload());
        let location = info
            .location()
            .map_or_else(String::new, |l| format!("{}:{}", l.file(), l.line()));
        PANICS
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push((message, location));
    }));
    let result = catch(f);
    panic::set_hook(previous);
    result.unwrap_or_else(|panic| {
        let message = payload_message(&*panic);
        panic!("{message} (at {})", panic_location(&message))
    })
}

pub fn catch<T>(f: impl FnOnce() -> T) -> Result<T, Box<dyn Any + Send>> {
    panic::catch_unwind(AssertUnwindSafe(f))
}

pub fn payload_message(payload: &(dyn Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "<non-string panic payload>".to_owned()
    }
}

/// Where the panic with this payload was raised (the hook saw it, maybe on another thread).
pub fn panic_location(message: &str) -> String {
    let mut panics = PANICS.lock().unwrap_or_else(|e| e.into_inner());
    match panics.iter().rposition(|(m, _)| m == message) {
        Some(i) => panics.remove(i).1,
        None => "unknown location".to_owned(),
    }
}
