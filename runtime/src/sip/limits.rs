//! The process's limit on open files. Every call holds two sockets (RTP and
//! RTCP), so the usual default soft limit of 1,024 would stop a server at
//! about 500 calls, half the default `max_calls`.

/// Descriptors kept for everything but calls: the SIP socket, the call log,
/// prompt files, espeak-ng's pipes, recordings being written.
const RESERVE: u64 = 64;

/// Raise the soft limit on open files as far as the hard limit allows (as
/// Go's runtime does at start-up); the limit in force after.
pub fn raise_open_files() -> std::io::Result<u64> {
    rlimit::increase_nofile_limit(u64::MAX)
}

/// How many calls fit in `limit` open files.
pub fn calls_within(limit: u64) -> u64 {
    limit.saturating_sub(RESERVE) / 2
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_descriptors_a_call_after_the_reserve() {
        assert_eq!(calls_within(1_024), 480);
        assert_eq!(calls_within(2_064), 1_000);
        assert_eq!(calls_within(10), 0);
    }

    #[test]
    fn the_soft_limit_is_raised_to_the_hard_one() {
        let limit = raise_open_files().expect("getrlimit/setrlimit");
        let (soft, hard) = rlimit::Resource::NOFILE.get().expect("getrlimit");
        assert_eq!(soft, limit);
        assert_eq!(soft, hard.min(limit));
    }
}
