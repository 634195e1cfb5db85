#!/bin/sh
# netlat-timeout: 3600
# netlat-memory: 4G
# Scale (make bench): N loopback connections open, A of them exchanging
# 100-byte messages in turn (tcpgen scale: one round trip on each active
# connection, then the next), with no tracing and with netlat at its
# defaults.  Per case: how many of the messages netlat timed (coverage:
# samples timed, tx_timed and rx_timed, over the messages sent), the
# memory netlat holds (vmalloc'd, from /proc/vmallocinfo, and the module
# itself), and the time per round trip, which under -icount is the number
# of instructions.
# Cases: "N:A ..." from netlat_scale_cases= on the kernel command line;
# "N:A:burst": each round sends on all A connections before any is
# answered (tcpgen scale -m burst), so A messages are in flight at once.
# Raw lines go to $OUT/scale.txt:
#   N A rounds mode ns_per_round_trip tx_samples rx_samples round_trips
#   vmalloc_bytes module_bytes table_full pattern
# (a round trip is two messages: tx_samples = 2 round_trips is full coverage)
. "$NETLAT_TREE/tests/guest/lib.sh"
CASES=$(sed -n 's/.*netlat_scale_cases=\([0-9a-z:,]*\).*/\1/p' /proc/cmdline | tr , ' ')
CASES=${CASES:-1000:100 3000:3000 3000:3000:burst 10000:1000 100000:3000 100000:3000:burst}
: > "$OUT/scale.txt"
# 100k connections: 200k sockets, 200k descriptors in one process
sysctl -qw fs.nr_open=1048576 fs.file-max=1048576
sysctl -qw net.ipv4.tcp_max_orphans=262144 net.core.somaxconn=4096

# netlat's vmalloc'd memory, and the module's own size
netlat_vmalloc() { awk '/\[netlat\]/ { n += $2 } END { print n + 0 }' /proc/vmallocinfo; }
netlat_module() { awk '$1 == "netlat" { print $2 }' /proc/modules; }

measure() {	# MODE N A ROUNDS PATTERN
	next_port
	port=$PORT
	PORT=$((PORT + 200))	# tcpgen listens on a port per 1000 connections
	[ "$1" = netlat ] && { load_netlat || return 1; }
	"$TCPGEN" scale -a 127.0.0.1 -p $port -c "$2" -W "$3" -n "$4" -l 100 -t 3000 -m "$5" \
		> /tmp/scale.log 2>&1 || { cat /tmp/scale.log; return 1; }
	ns=$(awk '$1 == "scale_ns" { print $2 }' /tmp/scale.log)
	txc=- rxc=- vm=0 mod=0 full=0
	msgs=$(($3 * $4))
	if [ "$1" = netlat ]; then
		cat $PROC > "$OUT/netlat-$2-$3-$5.txt"
		txc=$(counter tx_timed)
		rxc=$(counter rx_timed)
		full=$(counter table_full)
		vm=$(netlat_vmalloc)
		mod=$(netlat_module)
		unload_netlat
	fi
	echo "$2 $3 $4 $1 $((ns / msgs)) $txc $rxc $msgs $vm $mod $full $5" | tee -a "$OUT/scale.txt"
}

for c in $CASES; do
	n=${c%%:*} a=${c#*:} pattern=turn
	case $a in *:burst) pattern=burst ;; esac
	a=${a%%:*}
	rounds=$(( (10000 + a - 1) / a ))
	[ "$rounds" -ge 2 ] || rounds=2
	for mode in none netlat; do
		log "$n connections, $a active ($pattern), $rounds rounds: $mode"
		check "$mode: $n connections, $a active ($pattern)" measure $mode "$n" "$a" "$rounds" $pattern
	done
done
check_dmesg
finish
