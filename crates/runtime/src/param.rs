//! Parameter values as they go on the wire: what a query parameter or header field of a
//! generated parameter struct sends, whatever its shape (required, optional, list).

/// A value sent field by field as query parameters or headers: a scalar once, `None` not at
/// all, a list once per item (`?tag=a&tag=b`).
///
/// Generated clients pass every parameter of an operation through one
/// [`Call::query_params`](crate::Call::query_params) or
/// [`Call::header_params`](crate::Call::header_params) list, so how each shape is sent is
/// decided here, once, rather than in per-operation code. Generated string enums implement it
/// with their wire value.
pub trait ParamValue {
    /// Calls `send` with the text of each value to send, in order.
    fn each(&self, send: &mut dyn FnMut(&str));
}

impl ParamValue for str {
    fn each(&self, send: &mut dyn FnMut(&str)) {
        send(self)
    }
}

impl ParamValue for String {
    fn each(&self, send: &mut dyn FnMut(&str)) {
        send(self)
    }
}

/// Scalars sent as their `Display` text (`true`, `42`, `1.5`).
macro_rules! displayed {
    ($($ty:ty),*) => {$(
        impl ParamValue for $ty {
            fn each(&self, send: &mut dyn FnMut(&str)) {
                send(&self.to_string())
            }
        }
    )*};
}

displayed!(bool, i64, f64);

impl<T: ParamValue + ?Sized> ParamValue for &T {
    fn each(&self, send: &mut dyn FnMut(&str)) {
        (**self).each(send)
    }
}

impl<T: ParamValue> ParamValue for Option<T> {
    fn each(&self, send: &mut dyn FnMut(&str)) {
        if let Some(value) = self {
            value.each(send)
        }
    }
}

impl<T: ParamValue> ParamValue for Vec<T> {
    fn each(&self, send: &mut dyn FnMut(&str)) {
        for value in self {
            value.each(send)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sent(value: &dyn ParamValue) -> Vec<String> {
        let mut out = Vec::new();
        value.each(&mut |text| out.push(text.to_owned()));
        out
    }

    #[test]
    fn each_shape_sends_its_values() {
        assert_eq!(sent(&"a b"), ["a b"]);
        assert_eq!(sent(&42_i64), ["42"]);
        assert_eq!(sent(&1.5_f64), ["1.5"]);
        assert_eq!(sent(&true), ["true"]);
        assert_eq!(sent(&None::<String>), Vec::<String>::new());
        assert_eq!(sent(&Some(7_i64)), ["7"]);
        assert_eq!(
            sent(&Some(vec!["x".to_owned(), "y".to_owned()])),
            ["x", "y"]
        );
        assert_eq!(sent(&Vec::<bool>::new()), Vec::<String>::new());
    }
}
