// SPDX-License-Identifier: GPL-2.0
/*
 * Finding the TCP header of an IPv6 packet behind its extension headers.
 * Not ipv6_skip_exthdr(): its loop is bounded only by the packet, and
 * netlat's handlers run with interrupts off.  This walk reads at most
 * NETLAT_IPV6_MAX_EXTHDRS headers, each with skb_header_pointer (the
 * headers need not be in the linear area), and gives up on anything it
 * does not walk: a fragment (a piece of a segment is no data unit), ESP,
 * or any other next header.
 */
#include <linux/ipv6.h>
#include <linux/skbuff.h>
#include <net/ipv6.h>
#include "netlat.h"

/*
 * The offset from skb->data of the TCP header of the IPv6 packet whose
 * header is at offset @nh, or -1 if it is no unfragmented TCP segment
 * within the walk's bound.
 */
int netlat_ipv6_tcp_offset(const struct sk_buff *skb, int nh)
{
	const struct ipv6hdr *ip6h;
	struct ipv6hdr _ip6h;
	unsigned int i;
	int off;
	u8 next;

	ip6h = skb_header_pointer(skb, nh, sizeof(_ip6h), &_ip6h);
	if (!ip6h || ip6h->version != 6)
		return -1;
	next = ip6h->nexthdr;
	off = nh + sizeof(*ip6h);
	for (i = 0; i < NETLAT_IPV6_MAX_EXTHDRS; i++) {
		const struct ipv6_opt_hdr *h;
		struct ipv6_opt_hdr _h;

		if (next == IPPROTO_TCP)
			return off;
		if (next != NEXTHDR_HOP && next != NEXTHDR_ROUTING &&
		    next != NEXTHDR_DEST && next != NEXTHDR_AUTH)
			return -1;
		h = skb_header_pointer(skb, off, sizeof(_h), &_h);
		if (!h)
			return -1;
		off += next == NEXTHDR_AUTH ? ipv6_authlen(h) : ipv6_optlen(h);
		next = h->nexthdr;
	}
	return next == IPPROTO_TCP ? off : -1;
}
