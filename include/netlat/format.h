/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the module and the netlat tool agree on: the /proc/netlat format
 * version, the stage names and the counter names.  Shared by the kernel
 * module and userspace: the enums give the order of /proc/netlat, the
 * lookup functions the names printed and parsed.
 */
#ifndef NETLAT_FORMAT_H
#define NETLAT_FORMAT_H

/* The release; dkms.conf's PACKAGE_VERSION and the man page say the same. */
#define NETLAT_VERSION "0.1.0"

/* Bumped whenever a line of /proc/netlat changes meaning (docs/format.md). */
#define NETLAT_FORMAT_VERSION 1

#define NETLAT_PROC_NAME "netlat"
/* The slow log (docs/format.md, "The slow log"), root only */
#define NETLAT_PROC_SLOW "netlat_slow"		/* a stream, read once */
#define NETLAT_PROC_SLOW_SNAPSHOT "netlat_slow_snapshot"	/* the ring */
#define NETLAT_DEBUGFS_DIR "netlat"

/* The user-facing stages; a direction's total comes last. */
enum netlat_stage {
	NETLAT_TX_SOCK_TCP,
	NETLAT_TX_TCP_IP,
	NETLAT_TX_IP_DEV,
	NETLAT_TX_TOTAL,
	NETLAT_RX_DEV_IP,
	NETLAT_RX_IP_TCP,
	NETLAT_RX_TCP_USER,
	NETLAT_RX_TOTAL,
	NETLAT_NR_STAGES
};

struct netlat_stage_info {
	const char *name;
	const char *dir;
	const char *desc;
};

static inline const struct netlat_stage_info *netlat_stage_info(unsigned int i)
{
	static const struct netlat_stage_info info[NETLAT_NR_STAGES] = {
		[NETLAT_TX_SOCK_TCP] = { "tx_sock_tcp", "tx",
			"send call enters the socket layer -> TCP takes it" },
		[NETLAT_TX_TCP_IP] = { "tx_tcp_ip", "tx",
			"TCP takes the bytes -> their segment reaches IP" },
		[NETLAT_TX_IP_DEV] = { "tx_ip_dev", "tx",
			"IP output -> the driver gets the segment" },
		[NETLAT_TX_TOTAL] = { "tx_total", "tx",
			"socket layer -> driver" },
		[NETLAT_RX_DEV_IP] = { "rx_dev_ip", "rx",
			"device layer hands the skb up -> IP receive" },
		[NETLAT_RX_IP_TCP] = { "rx_ip_tcp", "rx",
			"IP receive -> TCP takes the skb on its socket" },
		[NETLAT_RX_TCP_USER] = { "rx_tcp_user", "rx",
			"TCP takes the skb -> the application's read copied the last byte" },
		[NETLAT_RX_TOTAL] = { "rx_total", "rx",
			"device layer -> copied to the application" },
	};

	return &info[i];
}

/*
 * Every event the module counts but does not bin, so a user can tell how
 * much of the traffic the histograms cover (docs/format.md, "Coverage
 * counters").  Each data unit (a new data segment sent, a data skb TCP
 * gives to its socket) is counted once where it is first seen
 * (tx_data_segments, rx_data_skbs) and then once more: as a sample
 * (tx_timed, rx_timed), or in exactly one of the counters that say why it
 * was not timed.  A stage's count is the samples' weight: with thinning
 * (docs/thinning.md) a sample kept with probability 1/k counts k.
 */
enum netlat_counter {
	NETLAT_C_TX_SAMPLES_INCOMPLETE,
	NETLAT_C_TX_SOCK_TCP_UNMATCHED_END,
	NETLAT_C_TX_TCP_IP_UNMATCHED_END,
	NETLAT_C_TX_IP_DEV_UNMATCHED_START,
	NETLAT_C_TX_IP_DEV_UNMATCHED_END,
	NETLAT_C_TX_RETRANSMITS,
	NETLAT_C_TX_SEGMENTS,
	NETLAT_C_RX_SAMPLES_INCOMPLETE,
	NETLAT_C_RX_DEV_IP_UNMATCHED_END,
	NETLAT_C_RX_IP_TCP_UNMATCHED_END,
	NETLAT_C_RX_TCP_USER_UNMATCHED_START,
	NETLAT_C_RX_TCP_USER_UNMATCHED_END,
	NETLAT_C_RX_DUPLICATES,
	NETLAT_C_RX_SKBS,
	NETLAT_C_RX_GRO_SEGMENTS,
	NETLAT_C_NEGATIVE_DELTA,
	NETLAT_C_TABLE_FULL,
	NETLAT_C_RING_FULL,
	NETLAT_C_EXPIRED,
	NETLAT_C_SOCKETS_PURGED,
	NETLAT_C_TX_INTERLEAVED,
	NETLAT_C_RX_FASTOPEN_DATA,
	NETLAT_C_SOCKETS_REUSED,
	NETLAT_C_TX_CALLS_WITHOUT_TCP,
	NETLAT_C_RX_DROPPED,
	NETLAT_C_TX_SEGMENTS_V4,	/* tx_data_segments by family: their sum */
	NETLAT_C_TX_SEGMENTS_V6,
	NETLAT_C_RX_SKBS_V4,		/* rx_data_skbs by family: their sum */
	NETLAT_C_RX_SKBS_V6,
	NETLAT_C_TX_THINNED,		/* left out by thinning (the pool filling) */
	NETLAT_C_RX_THINNED,
	NETLAT_C_TX_TIMED,		/* samples binned, each once, unweighted */
	NETLAT_C_RX_TIMED,
	NETLAT_C_SLOW_LOGGED,		/* samples written to the slow log */
	NETLAT_C_SLOW_LOST,		/* of them, overwritten before the stream read them */
	NETLAT_NR_COUNTERS
};

static inline const char *netlat_counter_name(unsigned int i)
{
	static const char *const name[NETLAT_NR_COUNTERS] = {
		[NETLAT_C_TX_SAMPLES_INCOMPLETE] = "tx_incomplete",
		[NETLAT_C_TX_SOCK_TCP_UNMATCHED_END] = "tx_sock_tcp.unmatched_end",
		[NETLAT_C_TX_TCP_IP_UNMATCHED_END] = "tx_tcp_ip.unmatched_end",
		[NETLAT_C_TX_IP_DEV_UNMATCHED_START] = "tx_ip_dev.unmatched_start",
		[NETLAT_C_TX_IP_DEV_UNMATCHED_END] = "tx_ip_dev.unmatched_end",
		[NETLAT_C_TX_RETRANSMITS] = "tx_retransmit_segments",
		[NETLAT_C_TX_SEGMENTS] = "tx_data_segments",
		[NETLAT_C_RX_SAMPLES_INCOMPLETE] = "rx_incomplete",
		[NETLAT_C_RX_DEV_IP_UNMATCHED_END] = "rx_dev_ip.unmatched_end",
		[NETLAT_C_RX_IP_TCP_UNMATCHED_END] = "rx_ip_tcp.unmatched_end",
		[NETLAT_C_RX_TCP_USER_UNMATCHED_START] = "rx_tcp_user.unmatched_start",
		[NETLAT_C_RX_TCP_USER_UNMATCHED_END] = "rx_tcp_user.unmatched_end",
		[NETLAT_C_RX_DUPLICATES] = "rx_duplicate_segments",
		[NETLAT_C_RX_SKBS] = "rx_data_skbs",
		[NETLAT_C_RX_GRO_SEGMENTS] = "rx_gro_segments",
		[NETLAT_C_NEGATIVE_DELTA] = "negative_delta",
		[NETLAT_C_TABLE_FULL] = "table_full",
		[NETLAT_C_RING_FULL] = "ring_full",
		[NETLAT_C_EXPIRED] = "expired",
		[NETLAT_C_SOCKETS_PURGED] = "sockets_purged",
		[NETLAT_C_TX_INTERLEAVED] = "tx_interleaved",
		[NETLAT_C_RX_FASTOPEN_DATA] = "rx_fastopen_data",
		[NETLAT_C_SOCKETS_REUSED] = "sockets_reused",
		[NETLAT_C_TX_CALLS_WITHOUT_TCP] = "tx_calls_without_tcp",
		[NETLAT_C_RX_DROPPED] = "rx_dropped_before_socket",
		[NETLAT_C_TX_SEGMENTS_V4] = "tx_data_segments.ipv4",
		[NETLAT_C_TX_SEGMENTS_V6] = "tx_data_segments.ipv6",
		[NETLAT_C_RX_SKBS_V4] = "rx_data_skbs.ipv4",
		[NETLAT_C_RX_SKBS_V6] = "rx_data_skbs.ipv6",
		[NETLAT_C_TX_THINNED] = "tx_thinned",
		[NETLAT_C_RX_THINNED] = "rx_thinned",
		[NETLAT_C_TX_TIMED] = "tx_timed",
		[NETLAT_C_RX_TIMED] = "rx_timed",
		[NETLAT_C_SLOW_LOGGED] = "slow_logged",
		[NETLAT_C_SLOW_LOST] = "slow_lost",
	};

	return name[i];
}

#endif /* NETLAT_FORMAT_H */
