//! The webhook host on a socket: HTTP/1.1 with hyper on tokio.
//!
//! Every request is read with a size cap and a time limit, handed to
//! [`App::handle`] (which does no I/O and holds no lock for long) and
//! answered; one line per request goes to the log. Recording uploads
//! ([`App::upload`]) are read to their end and dropped, with a cap of their
//! own, since recordings are far larger than callbacks. A sweeper task
//! releases idle calls. Shutdown stops accepting, lets requests in flight
//! finish (for at most [`SHUTDOWN_GRACE`]) and returns.

use super::app::{App, Request, Response};
use http_body_util::{BodyExt, Full, LengthLimitError, Limited};
use hyper::body::{Bytes, Incoming};
use hyper::header::{ALLOW, CONTENT_LENGTH, CONTENT_TYPE};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use std::convert::Infallible;
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::net::TcpListener;
use tokio::sync::{Semaphore, oneshot};

/// A client must send its request headers within this time …
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(10);
/// … and its body within this one, so that slow clients cannot hold
/// connections open.
pub const BODY_TIMEOUT: Duration = Duration::from_secs(10);
/// How long shutdown waits for requests in flight.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// Serve `app` on `listener` until `shutdown` resolves.
pub async fn serve(listener: TcpListener, app: Arc<App>, shutdown: impl Future<Output = ()>) -> io::Result<()> {
    let connections = Arc::new(Semaphore::new(app.config().max_connections.max(1)));
    let graceful = GracefulShutdown::new();
    let sweeper = tokio::spawn(sweep(Arc::clone(&app)));
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let permit = tokio::select! {
            permit = Arc::clone(&connections).acquire_owned() => match permit {
                Ok(permit) => permit,
                Err(_) => break,
            },
            () = &mut shutdown => break,
        };
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(e) => {
                    // Out of file descriptors and the like: wait, then go on.
                    app.log(&format!("cannot accept a connection: {e}"));
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let app = Arc::clone(&app);
        let service = service_fn(move |request| {
            let app = Arc::clone(&app);
            async move { Ok::<_, Infallible>(respond(&app, request).await) }
        });
        let mut builder = http1::Builder::new();
        builder.timer(TokioTimer::new()).header_read_timeout(HEADER_TIMEOUT);
        let connection = graceful.watch(builder.serve_connection(TokioIo::new(stream), service));
        tokio::spawn(async move {
            // A client that goes away mid-request is its own business.
            let _ = connection.await;
            drop(permit);
        });
    }
    sweeper.abort();
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(SHUTDOWN_GRACE) => {}
    }
    Ok(())
}

/// Serve until Ctrl-C (or SIGTERM), on a runtime of its own.
pub fn serve_until_interrupted(app: Arc<App>, listener: std::net::TcpListener) -> io::Result<()> {
    listener.set_nonblocking(true)?;
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(async move {
        let listener = TcpListener::from_std(listener)?;
        serve(listener, app, interrupted()).await
    })
}

/// Resolves on Ctrl-C or SIGTERM. If no handler can be installed it never
/// resolves: a host that cannot be stopped by signal is better than one that
/// stops at once.
pub(crate) async fn interrupted() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let terminate = async {
            match signal(SignalKind::terminate()) {
                Ok(mut sigterm) => {
                    sigterm.recv().await;
                }
                Err(_) => std::future::pending::<()>().await,
            }
        };
        tokio::select! {
            () = ctrl_c => {}
            () = terminate => {}
        }
    }
    #[cfg(not(unix))]
    ctrl_c.await;
}

/// A host running on a thread of its own, for tests and for programs that
/// embed one. Dropping it stops the host.
pub struct Running {
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<io::Result<()>>>,
}

impl Running {
    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Stop it and wait until it has.
    pub fn stop(mut self) -> io::Result<()> {
        self.shut_down()
    }

    fn shut_down(&mut self) -> io::Result<()> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        match self.thread.take().map(std::thread::JoinHandle::join) {
            Some(Ok(result)) => result,
            Some(Err(_)) => Err(io::Error::other("the webhook host's thread panicked")),
            None => Ok(()),
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.shut_down();
    }
}

/// Start `app` on `listener` on a thread of its own.
pub fn start(app: Arc<App>, listener: std::net::TcpListener) -> io::Result<Running> {
    listener.set_nonblocking(true)?;
    let addr = listener.local_addr()?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let (stop, stopped) = oneshot::channel::<()>();
    let thread = std::thread::Builder::new()
        .name("callflow-webhook".to_string())
        .spawn(move || {
            runtime.block_on(async move {
                let listener = TcpListener::from_std(listener)?;
                serve(listener, app, async {
                    let _ = stopped.await;
                })
                .await
            })
        })?;
    Ok(Running {
        addr,
        stop: Some(stop),
        thread: Some(thread),
    })
}

async fn sweep(app: Arc<App>) {
    let every = (app.config().idle_timeout / 4).clamp(Duration::from_millis(10), Duration::from_secs(5));
    let mut tick = tokio::time::interval(every);
    loop {
        tick.tick().await;
        app.sweep();
    }
}

/// Read the request (within limits), let the app answer, log the line.
async fn respond(app: &App, request: hyper::Request<Incoming>) -> hyper::Response<Full<Bytes>> {
    let started = Instant::now();
    let method = request.method().clone();
    let path = request.uri().path().to_string();
    let content_type = request
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let limit = app.config().max_body_bytes;
    let declared = request
        .headers()
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    let upload = if method == Method::POST {
        app.upload(&path)
    } else {
        None
    };
    let response = if let Some(upload) = upload {
        let cap = app.config().max_upload_bytes;
        if declared.is_some_and(|n| n > cap) {
            upload_too_large(cap)
        } else {
            match drain(request.into_body(), cap).await {
                Ok(bytes) => app.uploaded(&upload, bytes),
                Err(refusal) => refusal,
            }
        }
    } else if declared.is_some_and(|n| n > u64::try_from(limit).unwrap_or(u64::MAX)) {
        too_large(limit)
    } else {
        match tokio::time::timeout(BODY_TIMEOUT, Limited::new(request.into_body(), limit).collect()).await {
            Err(_) => plain(
                408,
                &format!("the request body did not arrive within {} s", BODY_TIMEOUT.as_secs()),
                "send the whole request at once",
            ),
            Ok(Err(e)) if e.downcast_ref::<LengthLimitError>().is_some() => too_large(limit),
            Ok(Err(e)) => plain(
                400,
                &format!("the request body could not be read: {e}"),
                "send a complete request",
            ),
            Ok(Ok(body)) => {
                let body = body.to_bytes();
                app.handle(&Request {
                    method: method.as_str(),
                    path: &path,
                    content_type: content_type.as_deref(),
                    body: &body,
                })
            }
        }
    };
    app.log(&format!(
        "{} {} session={} {} {} ({} ms)",
        super::providers::printable(method.as_str(), 20),
        super::providers::printable(&path, 200),
        response
            .session
            .as_deref()
            .map_or("-".to_string(), |s| super::providers::printable(s, 80)),
        response.status,
        super::providers::printable(&response.note, 300),
        started.elapsed().as_millis()
    ));
    to_hyper(response, method == Method::POST)
}

/// Read an upload to its end without keeping it; its size in bytes. Each
/// part must arrive within [`BODY_TIMEOUT`] of the last, so a stalled client
/// is cut off while an upload that keeps coming may take as long as it needs.
async fn drain(mut body: Incoming, cap: u64) -> Result<u64, Response> {
    let mut bytes: u64 = 0;
    loop {
        match tokio::time::timeout(BODY_TIMEOUT, body.frame()).await {
            Err(_) => {
                return Err(plain(
                    408,
                    &format!("the upload stalled for {} s", BODY_TIMEOUT.as_secs()),
                    "send the recording without pauses",
                ));
            }
            Ok(None) => return Ok(bytes),
            Ok(Some(Err(e))) => {
                return Err(plain(
                    400,
                    &format!("the upload could not be read: {e}"),
                    "send a complete request",
                ));
            }
            Ok(Some(Ok(frame))) => {
                let size = frame.data_ref().map_or(0, |data| data.len());
                bytes = bytes.saturating_add(u64::try_from(size).unwrap_or(u64::MAX));
                if bytes > cap {
                    return Err(upload_too_large(cap));
                }
            }
        }
    }
}

fn upload_too_large(cap: u64) -> Response {
    plain(
        413,
        &format!("the upload is larger than {cap} bytes"),
        "record shorter messages, or upload recordings straight to storage",
    )
}

fn too_large(limit: usize) -> Response {
    plain(
        413,
        &format!("the request body is larger than {limit} bytes"),
        "provider callbacks are small; check what is posting to this URL",
    )
}

fn plain(status: u16, message: &str, help: &str) -> Response {
    Response {
        status,
        content_type: "text/plain; charset=utf-8",
        body: format!("error: {message}\nhelp: {help}\n"),
        session: None,
        note: message.to_string(),
    }
}

fn to_hyper(response: Response, was_post: bool) -> hyper::Response<Full<Bytes>> {
    let status = StatusCode::from_u16(response.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut builder = hyper::Response::builder()
        .status(status)
        .header(CONTENT_TYPE, response.content_type);
    if status == StatusCode::METHOD_NOT_ALLOWED && !was_post {
        builder = builder.header(ALLOW, "POST");
    }
    builder.body(Full::new(Bytes::from(response.body))).unwrap_or_else(|_| {
        let mut fallback = hyper::Response::new(Full::new(Bytes::from_static(b"error: internal error\n")));
        *fallback.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
        fallback
    })
}
