//! Credentials: password hashing (`password`) and tokens (`token`). Who is
//! calling a handler is decided by the extractors in `caller`.

mod password;
mod token;

pub use password::{hash_password, verify_password, warm_up};
pub use token::{Claims, TokenKeys, new_refresh_token, token_hash};
