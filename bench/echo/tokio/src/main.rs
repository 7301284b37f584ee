//! Tokio echo server for the loopback echo workload (bench/echo/run_echo.sh): a current-thread
//! runtime (one thread, like the other servers), one spawned task per connection, read into a
//! 4 KiB buffer then write_all. Prints "port N" once listening; SIGTERM ends it.
//!
//!     echo_tokio [--port=0]
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

async fn echo(mut s: TcpStream) {
    let mut buf = [0u8; 4096];
    loop {
        match s.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(n) => {
                if s.write_all(&buf[..n]).await.is_err() {
                    return;
                }
            }
        }
    }
}

fn main() {
    let mut port: u16 = 0;
    for a in std::env::args().skip(1) {
        if let Some(p) = a.strip_prefix("--port=") {
            port = p.parse().expect("--port=N");
        } else {
            eprintln!("echo_tokio: unknown option {a}");
            std::process::exit(2);
        }
    }
    let rt = tokio::runtime::Builder::new_current_thread().enable_io().build().unwrap();
    rt.block_on(async move {
        let sock = tokio::net::TcpSocket::new_v4().unwrap();
        sock.set_reuseaddr(true).unwrap();
        sock.bind(format!("127.0.0.1:{port}").parse().unwrap()).unwrap();
        let listener: TcpListener = sock.listen(4096).unwrap();
        println!("port {}", listener.local_addr().unwrap().port());
        // Accept until killed (SIGTERM's default action ends the process and every task).
        loop {
            if let Ok((s, _)) = listener.accept().await {
                let _ = s.set_nodelay(true); // as irqio's and asyncio's servers do
                tokio::spawn(echo(s));
            }
        }
    });
}
