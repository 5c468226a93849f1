//! A guard in front of the JSON-RPC transport: it passes on every framed
//! message whose body is JSON and drops the others.
//!
//! tower-lsp-server's reader stops for good at the first body that is not
//! JSON (tokio-util's `FramedRead` ends its stream after a decoding error),
//! which would end the session over one garbled message. Headers without a
//! `Content-Length` are skipped the same way, and a body larger than
//! [`MAX_BODY`] is read past instead of being held in memory.

use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};

/// Far beyond any real document (a 5,000-line flow is ~150 KB).
pub const MAX_BODY: u64 = 64 << 20;

/// Copy well-formed messages from `input` to `output` until `input` ends.
pub async fn forward(input: impl AsyncRead + Unpin, mut output: impl AsyncWrite + Unpin) {
    let mut input = BufReader::new(input);
    loop {
        let Some(length) = header(&mut input).await else {
            break; // end of input (or an unreadable stream): the session is over
        };
        let Some(length) = length else {
            eprintln!("callflow lsp: dropped a message without Content-Length");
            continue;
        };
        if length > MAX_BODY {
            eprintln!("callflow lsp: dropped a message of {length} bytes");
            let skipped = tokio::io::copy(&mut (&mut input).take(length), &mut tokio::io::sink()).await;
            if skipped.is_err() {
                break;
            }
            continue;
        }
        let mut body = vec![0; usize::try_from(length).unwrap_or(0)];
        if input.read_exact(&mut body).await.is_err() {
            break;
        }
        if serde_json::from_slice::<serde::de::IgnoredAny>(&body).is_err() {
            eprintln!("callflow lsp: dropped a message that is not JSON");
            continue;
        }
        let head = format!("Content-Length: {}\r\n\r\n", body.len());
        let sent = async {
            output.write_all(head.as_bytes()).await?;
            output.write_all(&body).await?;
            output.flush().await
        };
        if sent.await.is_err() {
            break; // the server has gone
        }
    }
    let _ = output.shutdown().await;
}

/// Read one header block. `None`: the input ended; `Some(None)`: a block
/// without a usable `Content-Length`.
async fn header(input: &mut (impl AsyncBufReadExt + Unpin)) -> Option<Option<u64>> {
    let mut length = None;
    let mut any = false;
    loop {
        let mut line = String::new();
        match input.read_line(&mut line).await {
            Ok(0) | Err(_) => return None,
            Ok(_) => {}
        }
        let line = line.trim_end();
        if line.is_empty() {
            if any {
                return Some(length);
            }
            continue; // stray blank lines between messages
        }
        any = true;
        if let Some((name, value)) = line.split_once(':')
            && name.trim().eq_ignore_ascii_case("content-length")
        {
            length = value.trim().parse().ok();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn run(input: &[u8]) -> String {
        let mut out = Vec::new();
        forward(input, &mut out).await;
        String::from_utf8_lossy(&out).into_owned()
    }

    #[tokio::test]
    async fn good_messages_pass_and_bad_ones_are_dropped() {
        let input = b"Content-Length: 2\r\n\r\n{}Content-Length: 9\r\n\r\n{not jsonX-Other: 1\r\n\r\n\
                      Content-Length: 4\r\n\r\nnullContent-Length: 99999999999\r\n\r\nshort";
        assert_eq!(
            run(input).await,
            "Content-Length: 2\r\n\r\n{}Content-Length: 4\r\n\r\nnull"
        );
    }
}
