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
        let outcome = match TcpStream::connect((origin.host.as_str(), origin.port)) {
            Err(error) => AttemptOutcome::Failed(connection_error(error.to_string())),
            Ok(mut socket) => {
                socket
                    .set_read_timeout(Some(call.timeout()))
                    .expect("a read timeout");
                let mut connection = Connection::new(client)?;
                let request = call.send(&mut connection);
                exchange(&mut socket, &mut connection, &request)
            }
        };
        match call.finish(outcome) {
            Step::Done(result) => return result,
            Step::Retry(delay) => std::thread::sleep(delay.min(Duration::from_secs(1))),
        }
    }
}

fn exchange(socket: &mut TcpStream, connection: &mut Connection, request: &[u8]) -> AttemptOutcome {
    let broke = |error: std::io::Error| AttemptOutcome::Failed(connection_error(error.to_string()));
    if let Err(error) = socket
        .write_all(&connection.take_outgoing())
        .and_then(|()| socket.write_all(request))
    {
        return broke(error);
    }
    let mut buffer = vec![0; 16 * 1024];
    loop {
        let read = match socket.read(&mut buffer) {
            Ok(read) => read,
            Err(error) if error.kind() == std::io::ErrorKind::WouldBlock => {
                return AttemptOutcome::TimedOut;
            }
            Err(error) => return broke(error),
        };
        let progress = if read == 0 {
            connection.closed(None)
        } else {
            connection.receive(&buffer[..read])
        };
        match progress {
            Ok(Some(answer)) => return AttemptOutcome::Answered(answer),
            Err(error) => return AttemptOutcome::Failed(error),
            Ok(None) if read == 0 => return broke(std::io::ErrorKind::UnexpectedEof.into()),
            Ok(None) => {}
        }
        if let Err(error) = socket.write_all(&connection.take_outgoing()) {
            return broke(error);
        }
    }
}
