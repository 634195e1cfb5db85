#!/bin/sh
# netlat-timeout: 400
# The statistics as a reader sees them: a reset clears every CPU's
# statistics, also a CPU that is offline at the time; a reader looping on
# /proc/netlat while traffic runs gets a consistent snapshot (every stage
# of a direction has the same count, the stage sums add up to the total)
# every time, in bounded time.
. "$NETLAT_TREE/tests/guest/lib.sh"

CPU1=/sys/devices/system/cpu/cpu1/online
setup_veth || exit 1
in_ns nsA ping -c 1 -W 5 192.0.2.2 > /dev/null
check "insmod netlat" load_netlat || exit 1

# nonzero: every stage count, counter and probe hit of a snapshot, summed
nonzero() {
	awk '$1 == "stage" { n += $5 } $1 == "counter" { n += $3 }
		$1 == "probe" { n += $6 } END { print n + 0 }' "${F:-$PROC}"
}

log "== reset with CPU 1 offline: what CPU 1 counted goes too"
if [ -w $CPU1 ]; then
	netlat_reset
	check "ping-pong on CPU 1" pingpong "$PATH_VETH" 200 100 0 1 1 > /dev/null
	check "CPU 1 goes offline" sh -c "echo 0 > $CPU1"
	check "CPU 1's counts are still shown ($(nonzero))" [ "$(nonzero)" -gt 0 ]
	netlat_reset
	snapshot reset-offline
	F=$OUT/reset-offline.txt
	check "after the reset every count is 0 ($(nonzero))" [ "$(nonzero)" = 0 ]
	unset F
	check "CPU 1 comes back" sh -c "echo 1 > $CPU1"
	netlat_reset
	check "ping-pong after CPU 1 is back" pingpong "$PATH_VETH" 100 100 0 1 1 > /dev/null
	check "collection works on CPU 1 again: 200 tx samples ($(stage tx_total count))" \
		[ "$(stage tx_total count)" = 200 ]
else
	fail "cannot take CPU 1 offline ($CPU1)"
fi

log "== a reader looping on /proc/netlat while traffic runs"
netlat_reset
next_port
in_ns nsB "$TCPGEN" server -a 192.0.2.2 -p $PORT -m sink > /dev/null 2>&1 &
bulk_srv=$!
in_ns nsA "$TCPGEN" stream -a 192.0.2.2 -p $PORT -d 15 -l 65536 > /dev/null &
bulk=$!
next_port
in_ns nsB "$TCPGEN" server -a 192.0.2.2 -p $PORT -m echo > /dev/null 2>&1 &
pp_srv=$!
in_ns nsA "$TCPGEN" pingpong -a 192.0.2.2 -p $PORT -d 15 -l 100 > /dev/null &
pp=$!
reads=0 bad=0 slow=0 worst=0
while running $bulk $pp; do
	t0=$(date +%s%N)
	cat $PROC > /tmp/snap.txt
	ms=$((($(date +%s%N) - t0) / 1000000))
	[ "$ms" -gt "$worst" ] && worst=$ms
	[ "$ms" -gt 2000 ] && slow=$((slow + 1))
	# consistent: each direction's stages share the total's count, and
	# their sums add up to the total's sum; the file is whole
	awk '$1 == "stage" { c[$2] = $5; s[$2] = $7; d[$2] = $3 }
		$1 == "end" { whole = 1 }
		END {
			for (k in c) {
				t = d[k] "_total"
				if (c[k] != c[t]) exit 1
				if (k != t) sum[d[k]] += s[k]
			}
			if (sum["tx"] != s["tx_total"] || sum["rx"] != s["rx_total"]) exit 1
			exit !whole
		}' /tmp/snap.txt || { bad=$((bad + 1)); cp /tmp/snap.txt "$OUT/inconsistent-$bad.txt"; }
	reads=$((reads + 1))
done
wait $bulk $pp $bulk_srv $pp_srv
F=$PROC
check "the traffic was measured ($(stage tx_total count) tx, $(stage rx_total count) rx samples)" \
	[ "$(stage tx_total count)" -gt 1000 ]
unset F
check "$reads reads under traffic, every one consistent ($bad not)" [ "$((reads > 5)):$bad" = 1:0 ]
check "every read took under 2 s (slowest ${worst} ms, $slow slower)" [ "$slow" = 0 ]

check "rmmod" unload_netlat
check_dmesg
finish
