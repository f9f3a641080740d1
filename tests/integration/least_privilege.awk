# Least-privilege checker over `sdvf dump` output (format:
# docs/system-description.md, "Dump format").  Prints one line per
# violation and exits 1 if there is any.  The rules, from the dump alone:
#   - every map is a declared region need of the PD's component, with rights
#     no wider than the need (r within r or rw; rw only within rw);
#   - every channel end is a declared channel need;
#   - every required need is granted;
#   - a region mapped by two client PDs is mapped only by channel peers (a
#     declared pipe); never by three or more clients; except device memory
#     (io=...) that every client maps r: the RX DMA region remap clients
#     are lent buffers of (a copy client maps no such region, a remap client
#     maps it r and nothing of another client);
#   - every region is mapped by at least one PD;
#   - the stats file (a region with stats=yes, "sdvf.stats") is mapped r
#     only, by any PDs whose components need it (the rules above);
#   - clients of the muxes (rx_mux, tx_mux: the client behind each mux's
#     channel cN and that mux's cN_mode, "copy" when absent): an RX copy
#     client maps no region the RX mux maps as rx_dma, an RX remap client
#     maps it r only; a TX copy client's tx_data (the TX mux's cN_tx_data)
#     is no device memory; and no client maps a region a mux keeps for
#     another client (its cM_* maps).
# Usage: awk -v src=NAME -f least_privilege.awk DUMP

function field(key,    i) {
	for (i = 3; i <= NF; i++)
		if (index($i, key "=") == 1)
			return substr($i, length(key) + 2)
	return ""
}
function bad(msg) {
	print src ": " msg
	violations++
}
function within(have, limit) {
	return have == limit || (have == "r" && limit == "rw")
}

$1 == "pd"         { role[$2] = field("role"); comp[$2] = field("component") }
$1 == "pd-need" && $3 == "region"  { need_region[$2 SUBSEP $4] = field("rights")
                                     if ($NF == "required") required[$2 SUBSEP "region" SUBSEP $4] = 1 }
$1 == "pd-need" && $3 == "channel" { need_channel[$2 SUBSEP $4] = 1
                                     if ($NF == "required") required[$2 SUBSEP "channel" SUBSEP $4] = 1 }
$1 == "pd-map"     { maps[++nmaps] = $2 SUBSEP $3 SUBSEP field("region") SUBSEP field("rights")
                     granted[$2 SUBSEP "region" SUBSEP $3] = 1
                     local_region[$2 SUBSEP $3] = field("region")
                     rights_of[$2 SUBSEP field("region")] = field("rights") }
$1 == "pd-channel" && $3 ~ /^c[0-7]$/ { client_of[$2 SUBSEP $3] = field("peer") }
$1 == "pd-config" && $3 ~ /^c[0-7]_mode=/ { v = substr($3, 9); gsub(/"/, "", v)
                     mode_of[$2 SUBSEP substr($3, 1, 2)] = v }
$1 == "pd-channel" { ends[++nends] = $2 SUBSEP $3
                     granted[$2 SUBSEP "channel" SUBSEP $3] = 1
                     peers[$2 SUBSEP field("peer")] = 1 }
$1 == "region"     { regions[++nregions] = $2; io[$2] = field("io")
                     if (field("stats") == "yes") stats_file[$2] = 1 }
$1 == "region-map" { pd = field("pd"); users[$2]++
                     if (field("rights") != "r") any_writer[$2] = pd
                     if (role[pd] == "client") clients[$2] = clients[$2] " " pd
                     if (role[pd] == "client" && field("rights") == "rw" && !($2 in writer))
                             writer[$2] = pd }

END {
	for (i = 1; i <= nmaps; i++) {
		split(maps[i], m, SUBSEP)
		key = m[1] SUBSEP m[2]
		if (!(key in need_region))
			bad("pd " m[1] " maps '" m[2] "' (region " m[3] "), which its component does not need")
		else if (!within(m[4], need_region[key]))
			bad("pd " m[1] " maps '" m[2] "' " m[4] ", above its need " need_region[key])
	}
	for (i = 1; i <= nends; i++) {
		split(ends[i], e, SUBSEP)
		if (!((e[1] SUBSEP e[2]) in need_channel))
			bad("pd " e[1] " has channel end '" e[2] "', which its component does not need")
	}
	for (k in required)
		if (!(k in granted)) {
			split(k, r, SUBSEP)
			bad("pd " r[1] " lacks required " r[2] " '" r[3] "'")
		}
	for (i = 1; i <= nregions; i++) {
		name = regions[i]
		if (!users[name])
			bad("region " name " is mapped by no PD")
		if (name in stats_file) {
			if (name in any_writer)
				bad("pd " any_writer[name] " maps the stats file " name " writable (a grant is read-only)")
			continue
		}
		n = split(clients[name], c, " ")
		if (n == 2 && ((c[1] SUBSEP c[2]) in peers))
			continue
		if (n >= 2 && io[name] != "none" && !(name in writer))
			continue
		if (n >= 2 && io[name] != "none")
			bad("region " name " is device memory shared by " n " client PDs and written by " writer[name])
		else if (n > 2)
			bad("region " name " is shared by " n " client PDs:" clients[name])
		else if (n == 2 && !((c[1] SUBSEP c[2]) in peers))
			bad("region " name " is shared by client PDs " c[1] " and " c[2] ", which no channel joins")
	}
	mux_clients()
	exit violations > 0
}

# The clients of each mux, by the rules of the header.
function mux_clients(    k, a, mux, cn, client, mode, dma, data, i, m, owner, u, n, users) {
	for (k in client_of) {
		split(k, a, SUBSEP)
		mux = a[1]; cn = a[2]; client = client_of[k]
		if (role[client] != "client")
			continue
		mode = (k in mode_of) ? mode_of[k] : "copy"
		if (comp[mux] == "rx_mux" && ((mux SUBSEP "rx_dma") in local_region)) {
			dma = local_region[mux SUBSEP "rx_dma"]
			if (mode == "copy" && ((client SUBSEP dma) in rights_of))
				bad("pd " client " is a copy client of " mux " but maps its RX DMA region " dma)
			else if (rights_of[client SUBSEP dma] == "rw")
				bad("pd " client " maps the RX DMA region " dma " rw (a remap client only reads it)")
		}
		if (comp[mux] == "tx_mux" && mode == "copy" &&
		    ((mux SUBSEP cn "_tx_data") in local_region)) {
			data = local_region[mux SUBSEP cn "_tx_data"]
			if (io[data] != "none")
				bad("pd " client " is a copy client of " mux " but its tx_data " data " is device memory")
		}
	}
	for (i = 1; i <= nmaps; i++) {
		split(maps[i], m, SUBSEP)
		if ((comp[m[1]] != "rx_mux" && comp[m[1]] != "tx_mux") || m[2] !~ /^c[0-7]_/)
			continue
		owner = client_of[m[1] SUBSEP substr(m[2], 1, 2)]
		n = split(clients[m[3]], users, " ")
		for (u = 1; u <= n; u++)
			if (users[u] != owner)
				bad("pd " users[u] " maps " m[3] ", which " m[1] " keeps for client " owner)
	}
}
