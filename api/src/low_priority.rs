//! Threads for CPU-heavy work that readers must not wait behind: password
//! hashing. They run at the lowest scheduling priority (nice 19 on Linux),
//! so when readers and a flood of password checks want the same cores,
//! the scheduler gives them to the readers first, and the password work
//! takes what is left. With no read load the password work still gets
//! every core (logins per second are unchanged). A flood of logins that no
//! throttle budget stops (a new address and account each time) thus slows
//! logins, not the newspaper's pages.
//!
//! Written here rather than taken from a crate: it is a channel, a few
//! threads and one `setpriority` call, and thread pools on crates.io
//! (rayon, threadpool) set no priority.

use crate::error::ApiError;
use std::sync::mpsc;
use std::sync::{Arc, Mutex, PoisonError};

type Job = Box<dyn FnOnce() + Send>;

/// A fixed set of low-priority threads taking jobs in order.
pub struct LowPriorityPool {
    jobs: Mutex<mpsc::Sender<Job>>,
}

impl LowPriorityPool {
    /// Starts `threads` threads named `name`.
    pub fn new(threads: usize, name: &str) -> std::io::Result<Self> {
        let (sender, receiver) = mpsc::channel::<Job>();
        let receiver = Arc::new(Mutex::new(receiver));
        for n in 0..threads.max(1) {
            let receiver = receiver.clone();
            std::thread::Builder::new()
                .name(format!("{name}-{n}"))
                .spawn(move || {
                    lower_this_threads_priority();
                    loop {
                        let job = receiver
                            .lock()
                            .unwrap_or_else(PoisonError::into_inner)
                            .recv();
                        match job {
                            Ok(job) => job(),
                            Err(_) => break, // the pool was dropped
                        }
                    }
                })?;
        }
        Ok(Self {
            jobs: Mutex::new(sender),
        })
    }

    /// Runs `work` on one of the threads and waits for its result.
    pub async fn run<T, F>(&self, work: F) -> Result<T, ApiError>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        let (done, result) = tokio::sync::oneshot::channel();
        let job: Job = Box::new(move || {
            let _ = done.send(work());
        });
        self.jobs
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .send(job)
            .map_err(|_| ApiError::bug("the password threads are gone"))?;
        result
            .await
            .map_err(|_| ApiError::bug("a password job ended without a result"))
    }
}

/// Nice 19 for the calling thread only (Linux keeps a niceness per thread).
fn lower_this_threads_priority() {
    #[cfg(target_os = "linux")]
    // SAFETY: gettid and setpriority take and return plain integers and
    // touch no memory of ours.
    unsafe {
        let tid = libc::syscall(libc::SYS_gettid);
        if let Ok(tid) = libc::id_t::try_from(tid) {
            libc::setpriority(libc::PRIO_PROCESS, tid, 19);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[actix_web::test]
    async fn jobs_run_on_threads_at_the_lowest_priority() {
        let pool = LowPriorityPool::new(2, "test-low").expect("threads");
        let (name, nice) = pool
            .run(|| {
                let name = std::thread::current().name().map(str::to_owned);
                // SAFETY: as above; getpriority reads the calling thread's.
                #[cfg(target_os = "linux")]
                let nice = unsafe {
                    let tid = libc::syscall(libc::SYS_gettid);
                    libc::getpriority(libc::PRIO_PROCESS, libc::id_t::try_from(tid).unwrap_or(0))
                };
                #[cfg(not(target_os = "linux"))]
                let nice = 19;
                (name, nice)
            })
            .await
            .expect("ran");
        assert!(name.is_some_and(|n| n.starts_with("test-low-")));
        assert_eq!(nice, 19);
        assert_eq!(pool.run(|| 6 * 7).await.expect("ran"), 42);
    }
}
