//! The smallest event loop for [`truto_ticketing::driven`]: one blocking socket per
//! attempt, so that tests can drive calls the way the language bindings' loops do.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use truto_ticketing::driven::{AttemptOutcome, Connection, Step, connection_error};
use truto_ticketing::{Client, CreateUserOptions, CreateUserResponse, NewUser, ResponseFormat};

/// Creates `user` with a driven call, each attempt on a fresh blocking connection.
pub fn create_user_driven(
    client: &Client,
    user: &NewUser,
) -> truto_ticketing::Result<CreateUserResponse> {
    let origin = client
        .driven_origin()
        .expect("calls of this client can be driven");
    let mut call = client
        .drive_create_user(
            "sandbox-dixa",
            user,
            &CreateUserOptions::default(),
            ResponseFormat::Unified,
        )?
        .expect("a unified call can be driven");
    loop {
        call.begin_attempt();
        let step = match TcpStream::connect((origin.host.as_str(), origin.port)) {
            Err(error) => call.finish(AttemptOutcome::Failed(connection_error(error.to_string()))),
            Ok(mut socket) => {
                socket
                    .set_read_timeout(Some(call.timeout()))
                    .expect("a read timeout");
                let mut connection = Connection::new(client)?;
                let request = call.send(&mut connection);
                match exchange(&mut socket, &mut connection, &request) {
                    Ok(()) => call.finish_on(&mut connection),
                    Err(outcome) => call.finish(outcome),
                }
            }
        };
        match step {
            Step::Done(result) => return result,
            Step::Retry(delay) => std::thread::sleep(delay.min(Duration::from_secs(1))),
        }
    }
}

/// Writes the request and reads until the connection says the attempt is over; an
/// error is how the socket ended it instead.
fn exchange(
    socket: &mut TcpStream,
    connection: &mut Connection,
    request: &[u8],
) -> Result<(), AttemptOutcome> {
    let broke = |error: std::io::Error| AttemptOutcome::Failed(connection_error(error.to_string()));
    socket
        .write_all(&connection.take_outgoing())
        .and_then(|()| socket.write_all(request))
        .map_err(broke)?;
    let mut buffer = vec![0; 16 * 1024];
    loop {
        let read = match socket.read(&mut buffer) {
            Ok(read) => read,
            Err(error) if error.kind() == std::io::ErrorKind::WouldBlock => {
                return Err(AttemptOutcome::TimedOut);
            }
            Err(error) => return Err(broke(error)),
        };
        let over = if read == 0 {
            connection.end_of_stream(None)
        } else {
            connection.feed(&buffer[..read])
        };
        if over {
            return Ok(());
        }
        if read == 0 {
            return Err(broke(std::io::ErrorKind::UnexpectedEof.into()));
        }
        socket
            .write_all(&connection.take_outgoing())
            .map_err(broke)?;
    }
}
