//! Credentials: password hashing at the configured cost (`password`), tokens (`token`) and
//! keyed hashes of client addresses (`client`). Who is
//! calling a handler is decided by the extractors in `caller`.

mod api_key;
mod client;
mod password;
mod preview;
mod throttle;
mod token;

pub use api_key::{KEY_PREFIX, KeyGrant, KeyUses, Scope, admit as admit_key, key_hash, new_key};
pub use client::{
    ClientKey, TrustedProxies, address_group, client_address, client_ip, request_client_ip,
    user_agent,
};
pub use password::{Argon2Cost, Passwords};
pub use preview::Preview;
pub use throttle::{
    ADDRESS_REMEMBERED_DAYS, Attempt, Budgets, Counted, LoginKeys, LoginThrottle, Recent,
};
pub use token::{
    Claims, TokenKeys, new_refresh_token, seal_successor, token_hash, unseal_successor,
};
