package honeytoken

import (
	"encoding/base64"
	"math"
	"strings"
)

// Scanner thresholds: gitleaks drops a finding whose Shannon entropy is at or below
// the rule's threshold, so a decoy must be strictly above it.
const (
	entropyGeneric = 3.5 // generic-api-key: AWS secrets, database passwords, custom formats
)

// shannon returns the Shannon entropy of s in bits per byte, as gitleaks computes it.
func shannon(s string) float64 {
	if len(s) == 0 {
		return 0
	}
	var counts [256]uint16
	for i := 0; i < len(s); i++ {
		counts[s[i]]++
	}
	n := float64(len(s))
	var sum float64
	for _, c := range counts {
		if c > 1 {
			sum += clog2c[min(int(c), len(clog2c)-1)]
			if int(c) >= len(clog2c) {
				sum += float64(c)*math.Log2(float64(c)) - clog2c[len(clog2c)-1]
			}
		}
	}
	return math.Log2(n) - sum/n
}

// clog2c[c] = c·log2(c).
var clog2c = func() [512]float64 {
	var t [512]float64
	for c := 1; c < len(t); c++ {
		t[c] = float64(c) * math.Log2(float64(c))
	}
	return t
}()

// shortStopWords are the words of at most five characters from gitleaks'
// DefaultStopWords (generic-api-key; MIT licence, v8.30.1) and the placeholder
// terms scanners skip (sample, example, abcde). gitleaks drops a generic finding
// whose secret contains one of them (case insensitive). Longer stop words are
// left out: in a random value a word of six or more letters occurs with probability below 10^-6 per position, while the short
// ones cause almost every drop (about 1.2% of random 40-character secrets).
var shortStopWords = strings.Fields(`
vpn _ec2_ aws_ md5 sha1 sha2 env_ dns_ dns- fix_ fix- irc_ irc- has_ has- osx_ osx- web_ web- cms- cms_ gnu_ gnu- gnu.
gui_ gui- gui. not_ not- not. png_ png- png. svg_ svg- svg. url_ url- url. yet_ yet- yet. run_ run- run. box_ box- box.
bot_ bot- bot. get_ get- get. gen_ gen- gen. gem_ gem- gem. act_ act- act. map_ map- map. new_ new- new. yui_ yui- yui.
lua_ lua- lua. gpu_ gpu- gpu. app_ app- app. our_ our- our. out_ out- out. why_ why- why. job_ job- job. rpc_ rpc- rpc.
tcp_ tcp- tcp. sas_ sas- sas. dsl_ dsl- dsl. xml_ xml- xml. ext_ ext- ext. set_ set- set. see_ see- see. php_ php- php.
con_ con- con. gwt_ gwt- gwt. scs_ scs- scs. asp_ asp- asp. jpa_ jpa- jpa. neo_ neo- neo. net_ net- net. iso_ iso- iso.
www_ www- www. dev_ dev- dev. del_ del- del. fun_ fun- fun. red_ red- red. but_ but- but. bug_ bug- bug. hub_ hub- hub.
pro_ pro- pro. ant_ ant- ant. any_ any- any. rvm_ rvm- rvm. use_ use- use. usb_ usb- usb. now_ now- now. own_ own- own.
bit_ bit- bit. crm_ crm- crm. try_ try- try. doc_ doc- doc. mvc_ mvc- mvc. air_ air- air. way_ way- way. cat_ cat- cat.
can_ can- can. yii_ yii- yii. log_ log- log. lab_ lab- lab. win_ win- win. wip_ wip- wip. rpg_ rpg- rpg. dom_ dom- dom.
dot_ dot- dot. kit_ kit- kit. mac_ mac- mac. man_ man- man. orm_ orm- orm. org_ org- org. zsh_ zsh- zsh. svn_ svn- svn.
sbt_ sbt- sbt. mit_ mit- mit. add_ add- add. cli_ cli- cli. top_ top- top. plu_ plu- plu. git_ git- git. uri_ uri- uri.
sql_ sql- sql. nlp_ nlp- nlp. pop_ pop- pop. all_ all- all. tag_ tag- tag. how_ how- how. hot_ hot- hot. old_ old- old.
via_ via- via. vim_ vim- vim. ftp_ ftp- ftp. led_ led- led. pdf_ pdf- pdf. rdf_ rdf- rdf. zip_ zip- zip. les_ les- les.
doe_ doe- doe. tdd_ tdd- tdd. stm_ stm- stm. lib_ lib- lib. ide_ ide- ide. art_ art- art. tab_ tab- tab. tip_ tip- tip.
bar_ bar- bar. mod_ mod- mod. csv_ csv- csv. big_ big- big. sdl_ sdl- sdl. sdk_ sdk- sdk. day_ day- day. ssh_ ssh- ssh.
tut_ tut- tut.
page want json tech rich open role pull rust auth full hash more auto last into chat next proc lock term crud arch conf
drop ring pool bash pack wave link http home coco gaia room tiny dead site zero mule task mqtt have like when post port
icon gulp case wifi lisp list flat demo edit cube menu best life step team love date data twig sync play line code amqp
send high soap akka real read base used user pure modx mode fuel mail typo type hook ldap fork form skin wiki talk idea
work path tool flow bosh been beer redi rail fast cros tree back fake gist rest dart dark emac jade name rack slim meta
spec chef yaml card only aura util lite rule help soon look game kata goal side mean mini seed make shop show grid file
fish done para lamp math node cool core copy nest html feed java mock flex clas made riak hero here unix unit glas smtp
diff easy time push note salt load atom cuda word club zend some info drag koan need dojo stat call deck ches haxe just
beta perl view dash repo good find text host over free lazy hack blog font boot ajax
alert audit print world small learn paper video maker robot snake patch drill stuff audio statu extra still start guide
party async under basic forum cento group image knife asset micro debug chart smart oauth color level grunt latex cheat
story storm store range local usage issue theme canva nagio field email study graph flash space sheet first media touch
mongo abcde sample example
`)

// avoidWords is the project's own avoidance list: common English words of four or
// more letters, programming and crypto terms, file suffixes and the values gitleaks'
// global allowlist drops (true, false, null). Secret scanners discard an unverified
// finding whose lower-cased value contains such a word as a likely false positive
// (TruffleHog v3 does so over the whole value, prefix and checksum included), so a
// decoy that contains one is never shown to whoever scans for it. The list is
// written for this project; no scanner's word list is copied. Words longer than
// nine letters are left out: in random text they occur with probability below
// 10^-12 per position.
var avoidWords = strings.Fields(`
able acid aged also area army away baby back bail bake bald ball band bank bare bark barn base bath bead beam
bean bear beat beef been beer bell belt bend bent best bias bike bill bind bird bite blow blue blur boat body
boil bold bolt bomb bond bone book boom boot bore born boss both bowl bulk bull burn bush busy cafe cage cake
call calm came camp card care cart case cash cast cave cell chip city clay clip club coal coat code coin cold
come cook cool cope copy cord core corn cost crew crop cure dare dark data date dawn days dead deal dean dear
debt deck deed deep deer deny desk dial dice diet dirt disc dish disk dock does dome done door dose down drag
draw drew drop drug drum dual duck dull dumb dump dust duty each earn ease east easy edge else even ever evil
exam exit face fact fade fail fair fake fall fame farm fast fate fear feed feel feet fell felt file fill film
find fine fire firm fish five flag flat fled flew flip flow foam fold folk fond font food fool foot ford fork
form fort four free frog from fuel full fund fuse gain game gang gate gave gear gene gift girl give glad glow
glue goal goat goes gold golf gone good gown grab gray grew grey grid grip grow gulf hair half hall hand hang
hard harm hate have head heal hear heat held hell help herb here hero hide high hill hint hire hold hole holy
home hook hope horn host hour huge hung hunt hurt idea inch into iron item jack jail jazz jobs join joke jump
jury just keen keep kept kick kids kill kind king kiss kite knee knew knit knot know lack lady laid lake lamb
lamp land lane last late lawn lazy lead leaf leak lean left lend lens less lied life lift like lily limb lime
line link lion list live load loan lock logo long look loop lord lose loss lost loud love luck lung made mail
main make male mall many mark mask mass mate math meal mean meat meet melt memo menu mere mesh mess mice mild
mile milk mill mind mine mint miss mode mood moon more most move much must myth nail name navy near neat neck
need nest news next nice nine none noon norm nose note noun odds okay once ones only onto open oral oven over
pace pack page paid pain pair pale palm park part pass past path peak pick pile pill pine pink pipe plan play
plot plug plus poem poet pole poll pond pool poor pope pork port pose post pour pray prey pull pump pure push
quit quiz race rack rage raid rail rain rank rare rate read real rear rely rent rest rice rich ride ring rise
risk road rock role roll roof room root rope rose ruby rude rule rush rust safe sage said sail sake sale salt
same sand save scan seal seat seed seek seem seen self sell send sent ship shoe shop shot show shut sick side
sign silk sing sink site size skin skip slip slot slow snap snow soap sock soft soil sold sole some song soon
sort soul soup sour spin spot star stay stem step stop such suit sure swim tail take tale talk tall tank tape
task team tear tech tell tend tent term test text than that them then they thin this thus tide tied tier tile
till time tiny tire told toll tone took tool tour town trap tray tree trim trip true tube tune turn twin type
unit upon used user vary vast verb very vice view vote wage wait wake walk wall want warm warn wash wave weak
wear week well went were west what when whom wide wife wild will wind wine wing wire wise wish with wolf wood
wool word wore work worm wrap yard yeah year yell your zero zone
about above abuse actor acute admit adopt adult after again agent agree ahead alarm album alert alien align
alike alive allow alone along alter among anger angle angry apart apple apply arena argue arise array aside
asset audio audit avoid award aware badly baker basic basis beach begin being below bench birth black blade
blame blank blast blind block blood board boost booth bound brain brand brave bread break breed brief bring
broad broke brown build built buyer cable carry catch cause chain chair chaos charm chart chase cheap check
chest chief child china chose civil claim class clean clear click climb clock close cloud coach coast could
count court cover craft crash crazy cream crime cross crowd crown crude curve cycle daily dance dated dealt
death debug delay depth doing doubt dozen draft drama drank drawn dream dress drill drink drive drove dying
eager early earth eight elite empty enemy enjoy enter entry equal error event every exact exist extra faith
false fault fiber field fifth fifty fight final first fixed flash fleet flesh float floor fluid focus force
forth forty forum found frame frank fraud fresh front fruit fully funny giant given glass globe going grace
grade grand grant grass grave great green gross group grown guard guess guest guide happy harsh heart heavy
hello hence horse hotel house human ideal image imply index inner input issue japan joint judge juice known
label large laser later laugh layer learn lease least leave legal level light limit local logic loose lower
lucky lunch maker march match maybe mayor meant media metal might minor minus mixed model money month moral
motor mount mouse mouth movie music needs nerve never night noise north noted novel nurse occur ocean offer
often order other ought outer owner paint panel paper party patch pause peace phase phone photo piano piece
pilot pitch place plain plane plant plate point pound power press price pride prime print prior prize proof
proud prove queen query quick quiet quite quote radio raise range rapid ratio reach react ready realm refer
relax reply right rigid rival river robot rough round route royal rural scale scene scope score sense serve
setup seven shall shape share sharp sheet shelf shell shift shirt shock shoot short shown sight since sixty
skill sleep slide small smart smile smoke solid solve sorry sound south space spare speak speed spend spent
split sport staff stage stake stand start state steam steel stick still stock stone stood store storm story
strip stuck study stuff style sugar suite super sweet table taken taste teach teeth thank theme there these
thick thing think third those three threw throw tight timer title today token topic total touch tough tower
track trade train treat trend trial tried truck truly trust truth twice under union unity until upper upset
urban usage usual valid value video virus visit vital voice waste watch water wheel where which while white
whole whose woman women world worry worse worst worth would wound write wrong wrote yield young youth
account action active actual address advance against already another answer anyone around attack author before
behind better beyond border bottom branch bridge broken budget button camera cancel cannot center change charge
choice choose client closed coffee column common config copper corner county couple course create credit custom
damage danger dealer decide defend degree delete demand design detail device dinner direct doctor dollar domain
double driver during easily editor effect effort either enable energy engine enough entire escape estate except
expect expert export extend family father figure filter finger finish flight follow forest format friend future
garden gender global golden ground growth guitar handle header health height hidden import income inside invite
island itself jungle kernel launch lawyer leader legacy length lesson letter linux listen little living locale
logger manage manner market master matter medium member memory mental merge method middle minute mirror mobile
modern module moment mother motion native nature nearly number object office online option orange origin output
packet parent patent people period person phrase planet player please plenty pocket police policy prefix pretty
profit proper public purple random rather reason recent record reduce region remote remove render repair report
result return review reward script search season second secret secure select sender series server settle signal
silver simple single sister social socket source spirit spring square status stream street string strong studio
submit sudden summer supply switch symbol system target thread ticket timber toggle travel update useful vendor
volume window winter wonder worker writer yellow
admin ajax alias algo amqp apex arch args arrow ascii async attr auth avatar azure bash batch beta binary bit64
blob bool buffer bytes byte cache calc cert certs chmod chown cipher clone cmake codec commit const cookie cors
cron crypt crypto cuda curl daemon debian decode decrypt deploy devops diff digest django docker dotnet dword
eval exec expr fetch fifo flask fmap func getter github gitlab golang goto gradle grep guid gzip hash hmac html
http https hydra iface impl init inode int16 int32 int64 ipv4 ipv6 java jenkins json jwks kafka keys kube lambda
ldap libc lint lisp llvm lua5 macro malloc maven mutex mysql nginx node null nonce oauth octet openssl oracle
otp1 pkcs pkgs plist posix proto proxy pthread python qemu rails redis regex repo rsync scala sdk1 setter sha1
sha2 sha256 sha512 shim sizeof slack smtp spark sql3 sqlite ssh2 sshd stdin stdio stdout struct sudo swift sync
tcp4 temp tmux todo toml trait tuple uint uint8 uuid vault void wasm xpath yaml yarn zlib x509 3des 2048 1024
4096 utf8 utf16 .key .pem .crt .csr .pub .env .git .ssh aes128 aes256 rsa2048 ecdsa ed25519 secp pbkdf scrypt
bcrypt argon sha3 md4 md5 rc4 crc32 base32 base58 base64 hex16
nil undefined example sample dummy test1 xxxx
`)

// avoidIndex holds the stop words and the avoidance list; avoidPrefix is a bitset
// over their first three characters so that almost every position is rejected
// with one lookup.
var (
	avoidIndex  = map[string]struct{}{}
	avoidPrefix [1 << 15 / 8]byte
	avoidMaxLen int
)

func init() {
	for _, list := range [][]string{shortStopWords, avoidWords} {
		for _, w := range list {
			avoidIndex[w] = struct{}{}
			avoidMaxLen = max(avoidMaxLen, len(w))
			k := tri(w[0], w[1], w[2])
			avoidPrefix[k/8] |= 1 << (k % 8)
		}
	}
}

func lower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

func tri(a, b, c byte) uint {
	return (uint(lower(a))&31)<<10 | (uint(lower(b))&31)<<5 | uint(lower(c))&31
}

// hasStopWord reports whether s contains anything [avoided] rejects.
func hasStopWord(s string) bool { return avoided(s, nil) }

// avoided reports whether s, read whole and case-insensitively, contains a word of
// gitleaks' stop words or the project's avoidance list, a run of five identical
// characters (xxxxx, 00000), or a year from 1970 to 2039 next to a separator
// (2019-, _2024, .1999). fixed marks the characters that are the same in every
// token of the format (a prefix, a fixed segment): a hit made only of them is
// ignored, since it is in every real token too. fixed may be nil or shorter than s.
func avoided(s string, fixed []bool) bool {
	isFixed := func(from, to int) bool {
		if to > len(fixed) {
			return false
		}
		for i := from; i < to; i++ {
			if !fixed[i] {
				return false
			}
		}
		return true
	}
	run := 1
	for i := 0; i < len(s); i++ {
		if i > 0 && lower(s[i]) == lower(s[i-1]) {
			run++
			if run >= 5 && !isFixed(i-4, i+1) {
				return true
			}
		} else {
			run = 1
		}
		if isYear(s, i) && !isFixed(i, i+4) {
			return true
		}
		if i+3 > len(s) {
			continue
		}
		k := tri(s[i], s[i+1], s[i+2])
		if avoidPrefix[k/8]&(1<<(k%8)) == 0 {
			continue
		}
		var w [16]byte
		for n := 3; n <= avoidMaxLen && i+n <= len(s); n++ {
			for j := range n {
				w[j] = lower(s[i+j])
			}
			if _, ok := avoidIndex[string(w[:n])]; ok && !isFixed(i, i+n) {
				return true
			}
		}
	}
	return false
}

// isYear reports whether s[i:i+4] is a year from 1970 to 2039 with a separator
// (- _ . /) just before or after it, as in a date.
func isYear(s string, i int) bool {
	if i+4 > len(s) {
		return false
	}
	for j := i; j < i+4; j++ {
		if s[j] < '0' || s[j] > '9' {
			return false
		}
	}
	y := int(s[i]-'0')*1000 + int(s[i+1]-'0')*100 + int(s[i+2]-'0')*10 + int(s[i+3]-'0')
	if y < 1970 || y > 2039 {
		return false
	}
	sep := func(c byte) bool { return c == '-' || c == '_' || c == '.' || c == '/' }
	return i > 0 && sep(s[i-1]) || i+4 < len(s) && sep(s[i+4])
}

// fixedMask returns which of the n characters of a format are the same in every
// token: render builds the token with every variable byte set to fill, and a
// character that comes out the same for fill 0x00 and 0xff depends on no variable
// bit.
func fixedMask(n int, render func(fill byte) []byte) []bool {
	a, b := render(0), render(0xff)
	m := make([]bool, n)
	for i := range min(n, len(a), len(b)) {
		m[i] = a[i] == b[i]
	}
	return m
}

// decodableInBase64 reports whether the standard base64 encoding of s contains a
// digit or one of +/-_: gitleaks only decodes base64 runs that do, so a value whose
// encoding has none is invisible to it inside a base64 field (gitleaks v8.30.1).
func decodableInBase64(s string) bool {
	if len(s) > 300 {
		return true
	}
	var src [300]byte
	var buf [400]byte
	copy(src[:], s)
	n := base64.StdEncoding.EncodedLen(len(s))
	base64.StdEncoding.Encode(buf[:n], src[:len(s)])
	for _, c := range buf[:n] {
		if c >= '0' && c <= '9' || c == '+' || c == '/' {
			return true
		}
	}
	return false
}
