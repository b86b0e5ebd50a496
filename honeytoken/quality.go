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
// DefaultStopWords (generic-api-key; MIT licence) plus trufflehog's false-positive
// terms. gitleaks drops a generic finding whose secret contains one of them (case
// insensitive). Longer stop words are left out: in a random value a word of six or
// more letters occurs with probability below 10^-6 per position, while the short
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

// stopIndex holds the stop words; stopPrefix is a bitset over their first three
// characters so that almost every position is rejected with one lookup.
var (
	stopIndex  = map[string]struct{}{}
	stopPrefix [1 << 15 / 8]byte
	stopMaxLen int
)

func init() {
	for _, w := range shortStopWords {
		stopIndex[w] = struct{}{}
		stopMaxLen = max(stopMaxLen, len(w))
		k := tri(w[0], w[1], w[2])
		stopPrefix[k/8] |= 1 << (k % 8)
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

// hasStopWord reports whether s contains (case-insensitively) a scanner stop word,
// (including "example"), or a run of five identical characters (xxxxx, 00000, aaaaa).
func hasStopWord(s string) bool {
	run := 1
	for i := 0; i < len(s); i++ {
		if i > 0 && lower(s[i]) == lower(s[i-1]) {
			run++
			if run >= 5 {
				return true
			}
		} else {
			run = 1
		}
		if i+3 > len(s) {
			continue
		}
		k := tri(s[i], s[i+1], s[i+2])
		if stopPrefix[k/8]&(1<<(k%8)) == 0 {
			continue
		}
		var w [8]byte
		for n := 3; n <= stopMaxLen && i+n <= len(s); n++ {
			for j := range n {
				w[j] = lower(s[i+j])
			}
			if _, ok := stopIndex[string(w[:n])]; ok {
				return true
			}
		}
	}
	return false
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
