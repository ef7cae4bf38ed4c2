//! Just enough HTTP/1.1 for a loopback test stub: request line, headers, a body by
//! `Content-Length` (or chunked), keep-alive unless `Connection: close`; responses with a
//! length or chunked (for SSE).

use std::io::{self, BufRead, Read, Write};

/// Upper bound of one header line or of the header count (a runaway client, not a real one).
const MAX_LINE: usize = 64 * 1024;
const MAX_HEADERS: usize = 200;

/// One parsed request.
pub struct Request {
    pub method: String,
    /// The request target as sent, query included (`/v1/messages?beta=true`).
    pub target: String,
    version: String,
    headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Request {
    /// The first header named `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The target without its query string.
    pub fn path(&self) -> &str {
        self.target.split('?').next().unwrap_or("")
    }

    /// Whether the connection ends after this exchange (`Connection: close`, or HTTP/1.0
    /// without keep-alive).
    pub fn wants_close(&self) -> bool {
        let conn = self.header("connection").unwrap_or("").to_ascii_lowercase();
        let has = |t: &str| conn.split(',').any(|x| x.trim() == t);
        has("close") || (self.version == "HTTP/1.0" && !has("keep-alive"))
    }
}

fn bad(msg: impl Into<String>) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, msg.into())
}

/// Reads one CRLF (or LF) terminated line without its terminator; `None` at a clean EOF.
fn read_line(r: &mut impl BufRead) -> io::Result<Option<String>> {
    let mut buf = Vec::new();
    let n = r.take(MAX_LINE as u64).read_until(b'\n', &mut buf)?;
    if n == 0 {
        return Ok(None);
    }
    if buf.last() != Some(&b'\n') {
        return Err(bad("header line too long or cut short"));
    }
    while matches!(buf.last(), Some(b'\n' | b'\r')) {
        buf.pop();
    }
    String::from_utf8(buf)
        .map(Some)
        .map_err(|_| bad("header not UTF-8"))
}

/// Reads the next request; `Ok(None)` when the client closed the connection between requests.
/// Answers `Expect: 100-continue` on `out` before reading the body.
pub fn read_request(r: &mut impl BufRead, out: &mut impl Write) -> io::Result<Option<Request>> {
    // Tolerate stray empty lines between pipelined requests.
    let line = loop {
        match read_line(r)? {
            None => return Ok(None),
            Some(l) if l.is_empty() => continue,
            Some(l) => break l,
        }
    };
    let mut parts = line.split_whitespace();
    let (Some(method), Some(target), Some(version)) = (parts.next(), parts.next(), parts.next())
    else {
        return Err(bad(format!("bad request line {line:?}")));
    };
    let mut req = Request {
        method: method.to_string(),
        target: target.to_string(),
        version: version.to_string(),
        headers: Vec::new(),
        body: Vec::new(),
    };
    loop {
        let Some(h) = read_line(r)? else {
            return Err(bad("connection closed inside the headers"));
        };
        if h.is_empty() {
            break;
        }
        if req.headers.len() >= MAX_HEADERS {
            return Err(bad("too many headers"));
        }
        let Some((k, v)) = h.split_once(':') else {
            return Err(bad(format!("bad header {h:?}")));
        };
        req.headers
            .push((k.trim().to_string(), v.trim().to_string()));
    }
    if req
        .header("expect")
        .is_some_and(|e| e.eq_ignore_ascii_case("100-continue"))
    {
        out.write_all(b"HTTP/1.1 100 Continue\r\n\r\n")?;
        out.flush()?;
    }
    let chunked = req
        .header("transfer-encoding")
        .is_some_and(|t| t.to_ascii_lowercase().contains("chunked"));
    if chunked {
        req.body = read_chunked(r)?;
    } else if let Some(len) = req.header("content-length") {
        let len: usize = len
            .parse()
            .map_err(|_| bad(format!("bad Content-Length {len:?}")))?;
        req.body = vec![0; len];
        r.read_exact(&mut req.body)?;
    }
    Ok(Some(req))
}

fn read_chunked(r: &mut impl BufRead) -> io::Result<Vec<u8>> {
    let mut body = Vec::new();
    loop {
        let line = read_line(r)?.ok_or_else(|| bad("connection closed inside a chunk"))?;
        let size = line.split(';').next().unwrap_or("").trim();
        let size =
            usize::from_str_radix(size, 16).map_err(|_| bad(format!("bad chunk size {line:?}")))?;
        if size == 0 {
            // Trailers up to the empty line.
            while read_line(r)?.is_some_and(|l| !l.is_empty()) {}
            return Ok(body);
        }
        let at = body.len();
        body.resize(at + size, 0);
        r.read_exact(&mut body[at..])?;
        read_line(r)?; // the CRLF after the chunk data
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        413 => "Payload Too Large",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        529 => "Overloaded",
        _ => "Status",
    }
}

fn head(status: u16, headers: &[(&str, &str)], close: bool) -> String {
    let mut h = format!("HTTP/1.1 {status} {}\r\n", reason(status));
    for (k, v) in headers {
        h.push_str(&format!("{k}: {v}\r\n"));
    }
    h.push_str(if close {
        "connection: close\r\n"
    } else {
        "connection: keep-alive\r\n"
    });
    h
}

/// A complete response with a `Content-Length`; the body is left out for `HEAD`.
pub fn respond(
    w: &mut impl Write,
    status: u16,
    headers: &[(&str, &str)],
    body: &[u8],
    head_only: bool,
    close: bool,
) -> io::Result<()> {
    let mut out = head(status, headers, close).into_bytes();
    out.extend_from_slice(format!("content-length: {}\r\n\r\n", body.len()).as_bytes());
    if !head_only {
        out.extend_from_slice(body);
    }
    w.write_all(&out)?;
    w.flush()
}

/// A response whose body follows in chunks (SSE), so the connection can be kept alive.
pub struct Chunked<'a, W: Write> {
    w: &'a mut W,
}

impl<'a, W: Write> Chunked<'a, W> {
    /// Sends the status line and headers.
    pub fn start(
        w: &'a mut W,
        status: u16,
        headers: &[(&str, &str)],
        close: bool,
    ) -> io::Result<Self> {
        let mut h = head(status, headers, close);
        h.push_str("transfer-encoding: chunked\r\n\r\n");
        w.write_all(h.as_bytes())?;
        w.flush()?;
        Ok(Self { w })
    }

    /// Sends one chunk and flushes it.
    pub fn send(&mut self, data: &[u8]) -> io::Result<()> {
        if data.is_empty() {
            return Ok(());
        }
        let mut out = format!("{:x}\r\n", data.len()).into_bytes();
        out.extend_from_slice(data);
        out.extend_from_slice(b"\r\n");
        self.w.write_all(&out)?;
        self.w.flush()
    }

    /// Ends the body.
    pub fn finish(self) -> io::Result<()> {
        self.w.write_all(b"0\r\n\r\n")?;
        self.w.flush()
    }
}
