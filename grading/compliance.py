"""Banned-language detection for collector lines: rules from the scripts corpus, plus context.

Patterns run on the `clean` normalised view, so obfuscated, full-width or traditional spellings
match the plain rule; each match is mapped back to the original text and quoted exactly.
A match is dropped when the line negates it ("nobody is going to arrest you", "不会坐牢") or,
for insults, when the word is only reported or quoted in a civil request ("please don't use words
like 'idiot'", "请不要说'傻逼'这种话"). Context adds what patterns cannot see: debt talk to a
third party, and an amount stated above the real balance.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache

from grading.acts import Category
from grading.cues import DEBT_MENTION, lang_of
from grading.frames import framed
from grading.normalize import CLAUSE_DELIMS, Normalized, quote_for
from grading.ptp import amounts
from grading.results import Context, Finding, severity_rank

_FILLERS = (
    r"be|being|been|going|go|to|get|gets|getting|have|has|owe|owing|ever|you|we|i|anyone|anybody|any|a|an|the|your|call|"
    # who would come and what would be added: "no sheriff's deputy is coming", "not adding any collection fee"
    r"sheriff'?s|deputy|officer|police|county|court|adding|charging|"
    r"calling|contact|contacting|come|coming|send|sending|threaten|threatening|tell|telling|say|saying|use|using|"
    r"file|filing|as|from|that|this|it|is|are|will|would|gonna|one|actually|really|let|show|up|at|us|me|them|him|"
    r"her|considered|treated|charged|with|want|you're|you are|wanting|mean|trying|try|intend|plan|planning|here|about|like|work|"
    r"who|decides|decide|thinks|think|believes|believe|"
    r"authorized|permitted|in a position|the authority|position|"
    r"works|working|represent|representing|affiliated|part|associated|employed|"
    r"something|anything|for|by|over|on|of|in|make|making|put|putting|allowed|able|legally|could|can|should|need|"
    r"and|or|so|afraid|worried|worry|ask|asking|someone|somebody|anybody|in|jail|sent|taken|some|just"
)
_NEG = {
    "zh": re.compile(
        r"(不会|不用|不必|(?<!是)不是|并非|并不|没有|没|绝不|绝对不|从来不|永远不|不至于|不可能|不存在|无需|不涉及|不构成|"
        r"不属于|不算|谈不上|不需要|别担心|不要担心|不担心|不得|严禁|禁止|不能|不允许|不|免得)"
        r"(会|被|去|要|用|真的|再|存在|涉及|构成|属于|因此|让|派|来|对您|对你|你|您|人|把你|会被|会去|会让|会派|会对您|会对你|在|再在|于"
        # "不另收手续费", "不额外收费": no other charge
        r"|会有|有|有人|权力|权利|权限|资格|能力|办法|把|把您|一下子|马上|立刻|直接|听说|听说会|听说过|什么|有什么|导致|造成|任何"
        r"|另|另外|额外|再另)?"
        r"(被|去|要|来)?$"
    ),
    "en": re.compile(
        r"(?<!if you )(?<!unless you )(?<!if u )\b(not|never|no one'?s|nobody'?s|no one|nobody|no|won'?t|will not|don'?t|do not|doesn'?t|"
        r"didn'?t|isn'?t|aren'?t|cannot|can'?t|couldn'?t|wouldn'?t|shouldn'?t|neither|nor|without|nothing|"
        r"no need to|none of|no such thing as( (a|an|debtors?'?s?))?"
        # a difference drawn: "being sued isn't the same as being arrested"
        r"|(isn'?t|is not|not) the same (thing )?as( being| getting| going to)?"
        # "no one from our agency will ever call your boss"
        r"|(nobody|no one) from (our|this|my) (office|agency|company|team|firm)"
        # "we don't keep any deadbeat list", "falling behind won't give you a criminal record"
        r"|\b(we|i|our (office|agency|company)|the (agency|company|office|creditor)) (don'?t|do not|never|won'?t|will not)"
        r" (keep|have|run|maintain|post|publish|put up|create)( any| a| an)?( such)?"
        r"|(won'?t|will not|doesn'?t|does not|can'?t|cannot) (give|get|land|leave) (you|u)( with)?( a| an| any)?"
        r"|\bno (power|authority|legal right|right|ability) to"
        # "I have no plans to show up at your house", "benefits are protected from garnishment"
        r"|\bno (plans?|intention) (to|of)|\b(protected|exempt|safe) from)\b(?:\s+(?:"
        + _FILLERS
        # a list under one negation: "isn't going to be towed or seized"
        + r"|[a-z]+(?:ed|en) (?:or|nor)"
        + r")\b)*\s*$"
    ),
}
# "Don't be such a coward": a negated imperative still calls the listener the name.
_NEG_IMPERATIVE = {
    "zh": re.compile(r"(别|不要)(再)?(这么|那么)$"),
    "en": re.compile(r"\b(don'?t|do not|stop)\s+(be|being)\s+(so\s+|such\s+)?$"),
}
# "Don't make me come over there": a dare, not a negation.
_DARE = {
    "zh": re.compile(r"(别|不要)(逼|让)(我|我们)"),
    # a rhetorical question is no negation: "wouldn't it be embarrassing if your pastor found out"
    "en": re.compile(
        r"\b(don'?t|do not)\s+(make|force|let)\s+(me|us)\b|\b(wouldn'?t|won'?t|isn'?t) (it|that)( be)?\s*$"
        # "why don't you leave the math to the grown-ups": a jibe put as a question
        r"|\bwhy (don'?t|do not) (you|ya|u)\b"
    ),
}
# Insult words that are only reported or quoted: "you called me a liar", "请不要说'傻逼'".
_REPORTED = {
    "zh": re.compile(
        r"((不要|别|不能|请勿|不许|不该|不准|不可以)(再)?(说|讲|骂|叫|喊|称呼|用)(我|人|别人|我们|对方|您|你)?(是)?(个)?"
        r"|(说|骂|叫|喊)(我|我们)(是)?(个)?|(您|你)(刚才)?(说|讲|骂|提到)(的)?((您|你)?自己(是)?)?|这样的?字眼|像"
        # someone else's words reported: "您说之前有人骂您'老赖'"
        r"|(有人|别人|之前的人|以前的人|那个人|上一个人)(曾经|之前|以前|也)?(骂|叫|喊|称呼)(过)?(您|你)?(是)?(个)?"
        r"|(我|我们)(从来|刚才|可)?(没有|没|不会|从没|绝不|并没有|并没)(说|骂|叫|称呼|讲|认为)(过)?(您|你)?(是)?(个)?"
        r"|(我|我们)(从来|可|也|都)?(没有|没|不会|从没|绝不|并没有|并没|不)(把|将)(您|你)(当|看)(成|作)?(是)?(个|一个)?)"
        r"\s*[\"'「『]?$"
    ),
    "en": re.compile(
        r"(\b(don'?t|do not|never|stop|no need to|not going to|won'?t|didn'?t|please don'?t|not)\s+"
        r"(call(ing)?|use|using|say|saying|swear(ing)?( at)?)(\s+(me|us|anyone|people|him|her|them|that|this|it|"
        r"words?|names?|language|like|an?|the|word|other|others|staff))*"
        r"|\b(words?|names?|language|terms?|things)\s+like|\bcalled\s+(me|us)(\s+an?)?"
        r"|\b(you|he|she|they)\s+(just\s+|literally\s+|already\s+|even\s+)?(said|say|called me|call me|told me|feel|felt|think|thought|call yourself|called yourself)"
        r"(\s+(that|you|you'?re|you were|feel|felt|like|i'?m|i am|we'?re|we are|an?|some|to|go|this( is)?|it'?s|it is|that'?s))*"
        r"|\bthe word"
        # what the debtor called someone else: "you called your roommate a deadbeat"
        r"|\b(you|he|she|they)\s+(just\s+|already\s+)?called\s+(your|his|her|their)\s+\w+(\s+\w+)?(\s+an?)?"
        r"|\b(you|he|she|they)\s+(just\s+|already\s+)?said\s+(the|your|his|her|that|this)\s+\w+(\s+\w+)?\s+(was|is)(\s+an?(\s+\w+)?)?"
        # what the debtor says someone else called them: "you said the last collector called you a deadbeat"
        r"|\b(you|he|she|they)\s+said\s+(the|your|a|an|some|that|this)(\s+\w+){1,3}\s+(called|calls|call)(\s+(you|me|him|her|them))?(\s+an?)?"
        # "you're calling yourself a loser", "I heard you call the last guy an idiot", "you told my colleague to
        # go f*** himself", "you called our company a bunch of crooks"
        r"|\b(you'?re|you are) calling yourself(\s+an?)?"
        r"|\bi (heard|hear) you (call|calling|say|saying)(\s+\w+){0,4}?(\s+an?)?"
        r"|\bi heard"
        r"|\byou told (me|us|him|her|them|my \w+|our \w+|the \w+)( \w+){0,3}? to( go)?"
        r"|\byou called (our|the|this|that|my) \w+( \w+)?(\s+an?)?(\s+['\"]?\w+){0,3}"
        r"|\b(i|we) (never|didn'?t|did not|wouldn'?t|would never|won'?t|don'?t|do not) (call(ed)?|say|said)"
        r"( that)?( you)?( were| are| was)?( an?)?)"
        r"\s*['\"]?\s*$"
    ),
}
_CIVIL = {
    "zh": re.compile(
        r"(不要|别|请勿|不许|不能|请).{0,8}(说|讲|骂|用|叫)|这(样|种|类|个)的?(话|字眼|词|字|说法)|文明|其实|指的是"
        r"|(不是|不用|不说|没人用)[^，。]{0,6}(词|字眼|说法)|当没听见|就当没听到"
    ),
    "en": re.compile(
        r"\b(words? like|language like|names? like|don'?t (say|use|call)|please|civil|respectful|language|not to|that way"
        r"|(isn'?t|is not|not) a (word|term|name|label)|(words?|terms?|names?) (we|i) (don'?t|do not|never|won'?t) use)\b"
    ),
}
# An insult the match itself denies: "You're not a deadbeat for falling behind" ("not just a ..." is no denial).
_DENIED_NAME = {
    "zh": re.compile(r"(?!)"),
    "en": re.compile(
        r"\s*((you'?re|you are|u r|ur|you were)\s+(not|never)|you (aren'?t|weren'?t))\s+"
        r"(?!only\b|just\b|merely\b|simply\b|even\b)"
    ),
}
# An insult word disowned by what follows it: "Deadbeat is not a word I'd ever use for you",
# "老赖这个词我们从来不用在您身上".
_DISOWNED_AFTER = {
    "zh": re.compile(
        r"[”\"'」』]?\s*(这个|这种|这样的|这类|这俩|这两个)?(词|字眼|说法|称呼|话|字|标签)?[，,]?\s*"
        r"(我|我们)(从来|从|绝对|可)?(不会|不|没|没有|绝不|从不|不可能)(用|说|讲|叫|会用|会说|会叫)"
    ),
    "en": re.compile(
        r"['\"]?\s*(is|was|'s|isn'?t)\s+(not|never|no)\s+(a\s+)?(word|name|label|term|thing)\b"
        r"|['\"]?\s*(is|'s)\s+(a\s+|the\s+last\s+)?(word|name|label|term)\s+(i|we)\s+"
        r"(never|would never|'?d never|wouldn'?t|don'?t|do not|won'?t|will never)\b"
        # "calling you a deadbeat isn't something I'd ever do"
        r"|['\"]?\s*(isn'?t|is not|is never)\s+(something|anything|a thing|what)\s+(i|we)('?d| would)?\s+(ever\s+)?(do|say|call)\b"
    ),
}
# Enforcement described as the outcome of a court process is truthful, not a fake threat.
_LEGAL_PROCESS = {
    "zh": re.compile(
        r"依法|经法院|法院判决|判决后|生效判决|申请(法院)?(强制)?执行|由法院|法院裁定|诉讼程序|只有法院|法院才(能|可以|有权)"
    ),
    "en": re.compile(
        # a judgment is process, unless it is said to be final already ("the judgment is already signed")
        r"\b(judgment(?!\s+(is|'s|has been|was)\s+(already\s+(final|signed|done|entered|in)|final|signed|done)\b)|"
        r"court order|if (a|the) court|permitted by law|allowed by law|lawful|lawfully|through the courts?|"
        r"after a lawsuit|a court (could|may|would|can|must)|only a (court|judge)|(have|has|need|needs) to win in court|"
        r"under the (loan|lease|finance|financing|credit|security) (agreement|contract)|"
        r"a judge (would|will|could) decide)\b"
    ),
}
# A contract's remedy with its notice, and no date on it: "under your loan agreement the lender may
# repossess after a default, with written notice first". A contract may allow repossession, never
# garnishment (that needs a court); "we can repossess your car tonight as the contract allows" is a threat.
_CONTRACT_REMEDY = {
    "zh": re.compile(r"(?!)"),
    "en": re.compile(
        r"\b(under (your|the) (\w+ )?(contract|agreement|loan|lease|finance agreement)|contractual right|"
        r"(agreement|contract|terms you signed)( does)? (let|lets|allow|allows|permit|permits)(?![^.]{0,25}garnish)|"
        r"written notice|notice first|(isn'?t|is not) automatic|under the terms)\b"
    ),
}
_IMMINENT = {
    "zh": re.compile(r"(?!)"),
    "en": re.compile(
        r"\b(repossess|tow|seiz|freez|garnish|take (your|the|ur))\w*\b[^.!?]{0,30}"
        r"\b(tonight|today|tomorrow|right now|this (morning|afternoon|evening|week|weekend)|within the hour)\b"
    ),
}
_PROCESS_RULES = ("fake_enforcement", "false_action")
# ... unless the process is said to be over already, which is the false claim itself ("we've already
# obtained a judgment against you", "the court already ruled against you", "判决已经下来了").
_PROCESS_DONE = {
    "zh": re.compile(r"(已经|早就)(判|判决|判下来|裁定|立案执行)|判决(已经|早就)下来"),
    "en": re.compile(
        r"\b((already|we'?ve|we have|have) (obtained|got|gotten|won) a judgment|"
        r"judgment'?s final|court (already|has already) ruled)\b"
    ),
}
# A claim attributed to someone else and then refuted ("whoever told you you'd go to jail was wrong",
# "网上说的'黑名单'其实就是…"), or a claim the speaker refuses to make ("我不能骗您说…", "I can't promise
# to…", "beware of companies that promise…"): the banned words are there, the banned statement is not.
_REPORTED_CLAIM = {
    "zh": re.compile(
        r"(有人|别人|他们|之前的?人|网上|外面|传言|听说|以前的催收|其他公司|别的公司|很多人|不少人|大家"
        r"|(之前|以前|上次|上回)的?(同事|客服|工作人员|业务员|催收员))(都)?(可能|也许|或许)?(跟您|跟你|对您|对你)?"
        r"(告诉|说|讲|吓唬|提到|传|以为|认为|觉得)(过|的|了)?|所谓的?|听说|(您|你)(是不是)?(以为|担心|害怕|听说)"
        r"|(您|你)(刚才)?说的(那种|这种|那些|这些)"
    ),
    "en": re.compile(
        r"\b(whoever|anyone who|anybody who|someone|somebody|they|people|others|the (last|previous|other) "
        r"(collector|caller|agent|person)|you(?:'ve| have)? (heard|read|were told|said)|the internet|online)\b"
        r".{0,20}\b(told|tell|said|say|says|claim\w*|threaten\w*|heard|read|were told|think|thinks|believe|assume|worry)\b"
        r"|\bso-called\b"
        # "there's a scam where people pretend to be police", "don't let anybody tell you there's a warrant",
        # "if someone says they're an attorney and threatens jail", "your last collector said you'd be arrested"
        r"|\b(scam|scammers?|pretend(ing)? to be|don'?t let (anybody|anyone|someone|somebody) tell you)\b"
        r"|\b(if|when) (someone|somebody|anybody|anyone|they|the \w+( \w+)?) (ever )?(says?|tells? you|told you|threatens?)\b"
        # a collector taking back what they said: "if I gave you the impression that there was a warrant"
        r"|\bif (i|we) (ever )?(gave you the impression|made it sound( like)?|implied|suggested)\b"
        r"|\byou mentioned (your|the|a) (\w+ ){1,2}(said|told you|threatened)\b"
    ),
}
_REFUTED = {
    "zh": re.compile(
        r"不对|不是真的|是错的|错误的|不实|谣言|误解|没有这回事|并不|不存在|不属实|吓唬|不会(被|让|导致)|其实|不会的|不属于|不构成|不涉及"
        r"|(说|搞|弄)错了|明令禁止|不会(那么|这么|那样|这样)做"
    ),
    "en": re.compile(
        r"\b(wrong|not true|isn'?t true|untrue|false|a myth|misinformed|mistaken|not how (this|it) works|"
        r"doesn'?t work that way|no such|not the case|can'?t do that|cannot do that|isn'?t real|not real|"
        r"isn'?t us|wasn'?t us|not us|was wrong|isn'?t one|there isn'?t|we would never|can'?t be arrested|"
        r"but (we|i|they|nobody) (can'?t|cannot|won'?t|don'?t|will not)|i misspoke|"
        r"there(?: is|'s) no (warrant|arrest|lawsuit|criminal|police|court|judge|charges?))\b"
    ),
}
_DISCLAIMED = {
    "zh": re.compile(
        r"(不能|不会|不可能|没法|无法|不敢|从来不|绝不|没有权力|无权)(跟您|跟你|对您|对你|向您|向你|给您|给你)?"
        r"(骗|忽悠|承诺|保证|答应|说|讲|告诉|吓唬|恐吓|威胁)|(警惕|小心|当心|提防|别信|不要相信|不要轻信)(那些|某些|有些|任何|所谓)?"
        r".{0,10}(声称|承诺|说|号称|宣称|保证|打着)"
    ),
    "en": re.compile(
        r"\b(can'?t|cannot|won'?t|will not|never|don'?t|do not|no one can|nobody can|not able to|not allowed to)\s+"
        r"(honestly\s+)?(promise|guarantee|tell you|say|claim|pretend)\b|\b(beware|be wary|watch out for|"
        r"i'?d love to (tell you|say|promise)|i wish i could (tell you|say|promise)|"
        r"steer clear of)\b|\b(companies|firms|scammers?|scams?|services|ads) (that|who)\b"
    ),
}
# Negation inside the match itself ("欠款逾期不属于犯罪", "紧急联系人不承担还款责任"), for claims of fact.
_INNER_NEG = {
    "zh": re.compile(r"不(属于|构成|承担|负|算|涉及|需要|必)|不会被|并(不|非)|无需|(没有|无)(义务|责任)"),
    "en": re.compile(
        r"\b(i'?m|am|we'?re|is|are|was|be)\s+(not|never)\b|\b(isn'?t|aren'?t|wasn'?t)\b|\bnot (legally )?(responsible|liable|required)"
        r"|\bthere('s| is| are) no (lawsuit|suit|case|judgment|lien|warrant|court (case|date|order))"
        r"|\b(no one|nobody)( will|'ll| is going to| is gonna|'s going to|'s gonna)? (come|show up|visit|knock)"
    ),
}
# A collector saying it is no collector: the negation is the false statement, not a denial of one.
_DENIES_COLLECTING = {
    "zh": re.compile(r"(不是|并不是|并非)(什么)?(催收|催债|要债|讨债)"),
    "en": re.compile(
        r"\bnot (a |an |your )?(debt )?(collection agency|collector|bill collector|collections (agency|company))\b"
    ),
}
# A banned term in quotation marks that the line explains away ("所谓'黑名单'其实就是…").
_DEBUNK = {
    "zh": re.compile(
        r"其实|所谓|指的是|就是指|并不|不存在|不对|不是真的|别信|不要信|不用信|不可信|吓人的|谣言|骗人的|瞎传|乱传|谣传|没有什么"
    ),
    "en": re.compile(
        r"\b(actually|so-called|really just|just means|means|there'?s no|isn'?t|not real|no such)\b"
    ),
}
# A fact put as a condition ("if this is fraud, file a report", "如果是被盗刷"): nothing is asserted.
_IF_FACT = {
    "zh": re.compile(r"(如果|要是|假如|万一)(真的?)?(是|属于)?$"),
    "en": re.compile(r"\b(if|whether)\s+(this|it|that|the (card|charge|account))\s*$"),
}
_FACT_CATEGORIES = (Category.threat_legal, Category.misrepresentation, Category.impersonation)
# The harm itself denied by its subject: "nobody's gonna kill you over a late payment", "没人会抓你". Not
# when a condition follows ("nobody gets hurt if you pay"): that is the threat.
_DENIED_HARM = {
    "zh": re.compile(
        # "没有人能在电话里直接'抓人'": a where, why or how in between that does not undo the denial
        r"(没人|没有人|谁也|谁都|没谁)(会|要|敢|能|可以)?((在|因为|为了|直接|随便|随意|轻易|专门)(?:(?![不拦救帮保])[^，。！？,!?]){0,8}?)?(来)?[\"“]?"
        r"(抓|打|动|伤害|杀|关|拘|起诉|上门)"
    ),
    "en": re.compile(
        r"(nobody|no one|no-one|none of us)('s| is| will|'ll| would|'d)?\s*(ever\s+)?(gonna\s+|going to\s+|be\s+)?"
        r"((kill|hurt|harm|touch|beat|arrest|jail|lock up|come after) (you|ya|u|anyone|anybody|him|her|them)\b"
        r"|gets? (arrested|jailed|locked up|hurt)"
        r"|go(es)? to (jail|prison)|send you|put you)"
    ),
}
_CONDITION = {
    "zh": re.compile(r"只要|如果|要是|除非|前提是"),
    "en": re.compile(r"\b(if|as long as|so long as|unless|provided)\b"),
}
# The listener raised it ("you brought up jail earlier", "您刚才提到坐牢"): the collector is answering.
_LISTENER_RAISED = {
    "zh": re.compile(
        r"(?<![跟和对给听让叫])(您|你)(刚才|刚刚|之前|上次)?(提到|提起|说到|问到|问起|问|说)(的|了|过)?(会|会不会|是不是|能不能)?(被)?$"
    ),
    "en": re.compile(
        r"\byou(?:'ve| have)? (just |already )?(brought up|mentioned|raised)"
        r"( you(?:'d| could| would| will|'ll| might| can))?( be| being| go to| going to| get| getting)?( the| a| an)?\s*$"
        # any question the listener asked: "you asked whether you could go to jail", "you asked whether
        # this could land you in jail", "you asked if this is the sheriff's office"
        r"|\byou(?:'ve| have)? (just |already )?(asked|wondered)( me)? (about|if|whether)\b[^.?!,;:]{0,30}$"
    ),
}
# The debtor's own threat read back: "You said you'd beat the crap out of the next collector",
# "你说你要砍下一个打电话的人". The collector reports it; the threat is not theirs.
_DEBTOR_THREAT_REPORTED = {
    "zh": re.compile(r"(您|你)(刚才|刚刚|之前|上次)?(说|讲|扬言|放话)(说)?(您|你)(要|会|想|就要)$"),
    "en": re.compile(
        r"\byou (just |already )?(said|told me|told us|swore|threatened|yelled|screamed|shouted|texted|wrote)"
        r"( that)? (you'?d|you would|you'?ll|you will|you were going to|you'?re going to|you'?re gonna|you wanted to)\s*$"
        # someone else's threat the debtor reports: "you said your landlord threatened to kill you"
        r"|\byou (just )?(said|told me|mentioned)( that)? (your|the|a|an|some) (\w+ ){1,2}"
        r"(threatened|threatens|said (he|she|they)'?d|said (he|she|they) would|wants|wanted)( to)?\s*$"
    ),
}
# The speaker's own promise not to, carried over a list: "I'm not going to call at midnight or flood
# your phone", "我们不会上门，也不会…". Read on the sentence, so the subject is there.
_PROMISED_NOT_LIST = {
    "zh": re.compile(
        r"(我们|我)(不会|绝不会|从来不|也不会)[^。！？]{0,24}(或者|或|也不会|也不)$|(不用|不必|别)担心[^。！？，,]{0,12}(或者|或|和|还是)$"
    ),
    "en": re.compile(
        r"\b(i'?m|we'?re|i am|we are) (not|never) going to\b[^.,;!?]{0,40}\b(or|nor)\s+$"
        r"|\b(i|we) (won'?t|will not|will never|never)\b[^.,;!?]{0,40}\b(or|nor)\s+$"
        # a list of gerunds after the promise: "we will not be posting anything online, contacting ..."
        r"|\b(i|we)('?re| are)? (won'?t|will not|will never|never|not going to)( be)? \w+ing\b[^.;!?]{0,50},\s*$"
        r"|\b(nobody|no one)( from (our|this) (office|agency|company|team))? (will|is going to|'s going to)"
        r"\b[^.,;!?]{0,40}\b(or|nor)\s+$"
    ),
}
# The listener is the one who would call ("if you call your boss's payroll office, ..."): no pressure.
_LISTENER_ACTS = {
    "zh": re.compile(r"(如果|要是|等)(您|你)(自己)?(可以|能)?$"),
    "en": re.compile(r"\b(if|when|once) you\s*$|\byou (could|can|might|may) (also )?\s*$"),
}
# The listener told someone, not the collector: a telling verb with the listener as its subject ("if you
# told your sister about the balance", "要是您告诉了家里人").
_LISTENER_TOLD = {
    "zh": re.compile(r"(如果|要是|既然)(您|你)(自己)?(已经|之前)?$"),
    "en": re.compile(r"\b((if|when|once|since) )?you('ve| have)?( already| just)?\s*$"),
}
_TELLING = {
    "zh": re.compile(r"(告诉|跟|和|对)"),
    "en": re.compile(
        r"((already|just|also) )?(texted|txted|emailed|called|told|messaged|rang|phoned|informed|wrote|mentioned)\b"
    ),
}
# The banned words disowned right after them: "calling you a liar isn't my job", "打断腿那一套早就不允许了".
_POST_DENIED = {
    "zh": re.compile(
        r"(那一套|这一套|这种(事|做法|手段|话))[^。！？]{0,6}(早就|已经|根本|绝对|从来)?(不允许|不存在|违法|违规|不会|不做|不干|过时|行不通)"
        r"|^[^。！？，,]{0,12}(这些|这类|之类的?|什么的)?(都|全都|根本|压根|完全)?(扯不上|沾不上|挨不上|不沾边|不搭边|够不上)"
    ),
    "en": re.compile(
        r"\s*(isn'?t|is not|was never|is never|are not|aren'?t) (my job|my place|what i'?m (here|calling) for|"
        r"how (we|i) (work|talk|operate|do things|do business)|something (i|we) do|on the table|part of this|an option"
        r"|(a )?(possible|real|likely) (outcome|result|consequence)|an? (consequence|outcome|result|penalty) (of|for))\b"
        r"|\s*(would be|is|'s) (against the (rules|law)|not allowed|illegal|off[- ]limits)\b|\s*would be (wrong|unfair)\b"
    ),
}
# A banned word echoed back as the listener's question and denied: "Arrested? No, ma'am", "坐牢？不会的".
_ECHO_DENIED = {
    "zh": re.compile(r"\s*[？?]\s*(不会|没有|不是|不|没|当然不|绝对不)"),
    "en": re.compile(r"\s*\?\s*(no|nope|of course not|absolutely not|not at all|nobody|no one|never)\b"),
}
# The debtor's own words read back in quotation marks ("您刚刚说'再打来我弄死你'", "your words were
# 'I'll never pay you f***ers'"): the collector is recording them, not saying them.
_DEBTOR_SAID = {
    "zh": re.compile(
        r"(?<![跟和对给诉同])(您|你)(本人)?(刚才|刚刚|之前|上次|方才|当时)?"
        r"(的原话(是)?|(说|讲|骂|喊|写|回)(的|了|过|道)?(是)?)[：:，,]?\s*$"
    ),
    "en": re.compile(
        r"\b(((you|you'?ve|you have)\s+(just\s+)?(said|told me|wrote|yelled|shouted|texted)(,?\s+(and\s+i\s+)?quote,?)?"
        r"|(you'?re|you are|you were)\s+(just\s+)?(saying|telling me))"
        r"(\s+that)?(\s+(you'?ll|you will|you'?d|you would|you'?re gonna|you'?re going to|i'?m|i am))?"
        r"|your (exact )?words (were|was)|you (were )?quoted as saying)\s*[:,]?\s*$"
    ),
}
_OPEN_Q = set("\"'「『《")
_CLOSE_Q = set("\"'」』》")
_OWED = {
    "zh": re.compile(r"(欠|应还|欠款|金额|一共|总共|要还|得还|共计|合计)[^，。！？,!?]{0,8}$"),
    "en": re.compile(r"\b(owe|owes|balance|total|due|amount|debt)\b[^.,!?]{0,20}$"),
}


# Debt details (the delinquency itself or an amount owed), as opposed to a passing "about your account".
_DEBT_DETAIL = {
    "zh": re.compile(
        r"(您|你)[^。！？!?]{0,12}(欠款|欠了|欠的|欠钱|欠着|欠我们|欠银行|拖欠|逾期|没还|未还|应还|透支"
        r"|还欠(?!缺)|欠(?=\d|[一二三四五六七八九十两几]+[百千万]))"
        r"|(欠款|欠了|拖欠|逾期|应还|未还)[^。！？!?]{0,8}(\d|[一二三四五六七八九十两几百千万]+(元|块|万|天|个月))"
        r"|(他|她)(那个|那张|那笔|的)[^。！？!?]{0,8}(账|欠款|贷款|分期)[^。！？!?]{0,8}(拖了|逾期|没还|欠)"
    ),
    "en": re.compile(
        r"\b(you|your)\b[^.!?]{0,30}\b(owe|owes|owed|owing|past[ -]due|overdue|delinquen\w*|behind on|unpaid|"
        r"in default|charged[ -]off|missed (a |your |two |three )?payments?|balance of|\d+ days late|late on)\b"
        r"|\b(owe|owes|owed|past[ -]due|overdue|balance of)\b[^.!?]{0,12}\$\s?\d"
        r"|\$\s?\d[\d,.]*\s+(past[ -]due|overdue|unpaid|outstanding|delinquent)\b"
        r"|\b(he|she)('?s| is)\b[^.!?]{0,20}\b(\d+ days (late|behind|past due)|behind on)\b"
        r"|\bmissed payments on (the|his|her|your)\b|\b(still )?(isn'?t|is not|ain'?t) paid for\b"
    ),
}
# The listener is the debtor's employer or workmate: telling them about the debt also shames the debtor
# at work (DOMAIN: shaming in front of the employer), so it is harassment as well as disclosure.
_WORKPLACE = {
    "zh": re.compile(
        r"(你们|您们|你|您)(的)?(公司|单位)?的?(同事|员工|下属|职员|手下)|作为(他|她)的?(领导|老板|上司|同事|雇主)"
        r"|(贵|你们|您们)(公司|单位)的?(员工|职员)"
    ),
    "en": re.compile(
        r"\bas (his|her|their) (employer|boss|manager|supervisor|coworker|co-worker|colleague|hr)\b"
        r"|\byour (employee|coworker|co-worker|colleague|staff member|worker|direct report)s?\b"
    ),
}
UNVERIFIED_RULE_ID = "unverified_disclosure"
_UNVERIFIED_SUGGESTION = {
    "zh": "在说明来意之前，请先核实身份：请问您是本人吗？麻烦报一下身份证后四位。",
    "en": "Before discussing the account, verify who you are speaking with: can you confirm your full name "
    "and date of birth?",
}
_UNVERIFIED_TEXT = {
    "zh": "尚未核实对方身份就说出了欠款情况：接电话的可能不是本人，这等于向第三人透露。",
    "en": "The debt was stated before verifying who is on the line; if it is not the consumer, that is a "
    "third-party disclosure.",
}


@dataclass(frozen=True)
class CompiledRule:
    id: str
    category: str
    severity: str
    citation: str
    context: str
    suggestion: str
    description: str
    patterns: tuple[re.Pattern, ...]
    examples: tuple[str, ...]


class RuleSet:
    """The rules of one locale, compiled once."""

    def __init__(self, locale: str):
        from simulator.loader import load_corpus

        corpus = load_corpus(locale)
        self.locale = locale
        self.lang = lang_of(locale)
        self.rules = [
            CompiledRule(
                r.id,
                str(r.category),
                str(r.severity),
                r.citation,
                r.context,
                r.suggestion,
                r.description,
                tuple(re.compile(p) for p in r.patterns),
                tuple(r.examples),
            )
            for r in corpus.rules
        ]
        self.by_id = {r.id: r for r in self.rules}
        self.lawful = list(corpus.lawful_firm)

    def first(self, category: str, suffix: str = "") -> CompiledRule | None:
        """The first rule of a category (optionally whose id ends with `suffix`)."""
        for r in self.rules:
            if r.category == category and r.id.endswith(suffix):
                return r
        return None


@lru_cache(maxsize=8)
def ruleset(locale: str) -> RuleSet:
    return RuleSet(locale)


def _clause_prefix(text: str, start: int, limit: int = 40) -> str:
    a = start
    while a > 0 and text[a - 1] not in CLAUSE_DELIMS and not (text[a - 1] == "." and start - a > 0):
        a -= 1
    return text[max(a, start - limit) : start]


def _clause_end(text: str, start: int) -> int:
    """Where the clause that `start` sits in ends (a sentence stop, not a comma: "nobody gets hurt, as
    long as you pay")."""
    b = start
    while (
        b < len(text)
        and text[b] not in "。！？!?；;\n"
        and not (text[b] == "." and text[b + 1 : b + 2] in (" ", ""))
    ):
        b += 1
    return b


@lru_cache(maxsize=64)
def debtor_quote_spans(text: str, lang: str, reach: int = 80) -> tuple[tuple[int, int], ...]:
    """Quotations of the debtor's own words ("you said 'I'll beat your face in'"), quote marks included.
    Cached: every rule match on a line asks, and so do the co-occurrence rules and the line model."""
    spans = []
    i = 0
    while i < len(text):
        if _opens_quote(text, i) and _DEBTOR_SAID[lang].search(text[max(0, i - 40) : i]):
            j = next((j for j in range(i + 1, min(len(text), i + reach)) if _closes_quote(text, j)), None)
            if j is not None:
                spans.append((i, j + 1))
                i = j
        i += 1
    return tuple(spans)


def _latin(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def _sentence_prefix(text: str, start: int, limit: int = 60) -> str:
    """Text before `start` back to the sentence start (commas do not cut: "whoever told you, …")."""
    a = start
    while (
        a > 0
        and text[a - 1] not in "。！？!?；;\n"
        and not (text[a - 1] == "." and a < len(text) and text[a] == " ")
    ):
        a -= 1
    return text[max(a, start - limit) : start]


def _opens_quote(text: str, i: int) -> bool:
    """Is text[i] an opening quote mark? (An apostrophe in "don't" is not a quote mark.)"""
    return text[i] in _OPEN_Q and (text[i] != "'" or i == 0 or not _latin(text[i - 1]))


def _closes_quote(text: str, j: int) -> bool:
    """Is text[j] a closing quote mark? (An apostrophe in "don't" is not a quote mark.)"""
    return text[j] in _CLOSE_Q and (text[j] != "'" or j + 1 == len(text) or not _latin(text[j + 1]))


def _quoted(text: str, start: int, end: int, reach: int = 12) -> bool:
    """Is [start, end) inside a short quotation?"""
    for i in range(start - 1, max(-1, start - reach - 1), -1):
        ch = text[i]
        if ch in CLAUSE_DELIMS and ch not in ",，":
            return False
        if _opens_quote(text, i):
            break
    else:
        return False
    for j in range(end, min(len(text), end + reach)):
        ch = text[j]
        if _closes_quote(text, j):
            return True
        if ch in CLAUSE_DELIMS and ch not in ",，":
            return False
    return False


def suppressed(text: str, start: int, end: int, category: str, lang: str) -> bool:
    """True when a match is negated, only the debtor's own words read back, or (insults) only reported
    or quoted in a civil request."""
    if category == Category.third_party_disclosure:
        return bool(
            _TELLING[lang].match(text, start) and _LISTENER_TOLD[lang].search(_clause_prefix(text, start))
        )
    if any(a <= start and end <= b for a, b in debtor_quote_spans(text, lang)):
        return True
    pre = _clause_prefix(text, start)
    if (
        _NEG[lang].search(pre)
        and not (category == Category.insult and _NEG_IMPERATIVE[lang].search(pre))
        and not _DARE[lang].search(pre)
    ):
        return True
    sent = _sentence_prefix(text, start)
    if category in (Category.threat_violence, Category.threat_legal):
        for m in _DENIED_HARM[lang].finditer(text, start - len(pre), end):
            if m.end() > start and not _CONDITION[lang].search(text, m.end(), _clause_end(text, m.end())):
                return True
        if not pre.strip() and _ECHO_DENIED[lang].match(text, end):
            return True
    if category in (
        Category.threat_violence,
        Category.threat_legal,
        Category.misrepresentation,
        Category.impersonation,
        Category.harassment,
    ):
        if _LISTENER_RAISED[lang].search(sent):
            return True
    if category == Category.threat_violence and _DEBTOR_THREAT_REPORTED[lang].search(pre):
        return True
    if _PROMISED_NOT_LIST[lang].search(sent):
        return True
    if category == Category.harassment and _LISTENER_ACTS[lang].search(pre):
        return True
    if category in (Category.threat_violence, Category.threat_legal, Category.insult, Category.harassment):
        if (
            _POST_DENIED["en"].match(text, end)
            if lang == "en"
            else _POST_DENIED["zh"].search(text[end : _clause_end(text, end)])
        ):
            return True
    if category != Category.insult:
        if _REPORTED_CLAIM[lang].search(sent) and _REFUTED[lang].search(text, start):
            return True
        if category in _FACT_CATEGORIES and _DISCLAIMED[lang].search(sent):
            return True
        if category in _FACT_CATEGORIES and _IF_FACT[lang].search(pre):
            return True
        if (
            category in _FACT_CATEGORIES
            and _INNER_NEG[lang].search(text, start, end)
            and not _DENIES_COLLECTING[lang].search(text, start, end)
        ):
            return True
        if _quoted(text, start, end) and _DEBUNK[lang].search(text):
            return True
    if category == Category.insult:
        if _DENIED_NAME[lang].match(text, start, end):
            return True
        # a match that swallowed the opening quote mark ("您说的'老赖'…") is judged from inside the quote
        opener = max((i for i in range(start, end) if text[i] in _OPEN_Q), default=None)
        if opener is not None and opener + 1 < end:
            start, pre = opener + 1, _clause_prefix(text, opener + 1)
        if _REPORTED[lang].search(_clause_prefix(text, start, 80)) or _DISOWNED_AFTER[lang].match(text, end):
            return True
        if _quoted(text, start, end) and _CIVIL[lang].search(text):
            return True
    return False


def _finding(rule: CompiledRule, norm: Normalized, s: int, e: int, method: str = "lexical") -> Finding:
    """A finding for the original span [s, e), quoting the clause around it."""
    quote = quote_for(norm.original, s, e)
    qs = norm.original.find(quote, max(0, s - len(quote)))
    qs = qs if qs >= 0 else norm.original.find(quote)
    return Finding.of_rule(rule, quote, max(qs, 0), method)


def lexical_findings(norm: Normalized, ctx: Context) -> list[Finding]:
    """Every rule that matches the line (one finding per rule), negations and quotations removed."""
    rs = ruleset(ctx.locale)
    text = norm.clean.text
    out: list[Finding] = []
    for rule in rs.rules:
        if rule.context not in ("any", ctx.party):
            continue
        if (
            rule.id.endswith(_PROCESS_RULES)
            and (
                _LEGAL_PROCESS[rs.lang].search(text)
                or (_CONTRACT_REMEDY[rs.lang].search(text) and not _IMMINENT[rs.lang].search(text))
            )
            and not _PROCESS_DONE[rs.lang].search(text)
        ):
            continue
        hit = None
        for rx in rule.patterns:
            for m in rx.finditer(text):
                if m.end() > m.start() and not (
                    suppressed(text, m.start(), m.end(), rule.category, rs.lang)
                    or framed(text, m.start(), m.end(), rule.category, rule.id, rs.lang)
                ):
                    hit = m
                    break
            if hit:
                break
        if hit:
            out.append(_finding(rule, norm, *norm.clean.original_span(hit.start(), hit.end())))
    return out


def unverified_rule(rs: RuleSet) -> CompiledRule | None:
    """The disclosure rule as it applies before verification: telling the debt to a listener who
    may not be the debtor. Major, not critical: nobody is known to be a third party yet."""
    base_rule = rs.first(Category.third_party_disclosure)
    if base_rule is None:
        return None
    return replace(
        base_rule,
        id=UNVERIFIED_RULE_ID,
        severity="major",
        description=_UNVERIFIED_TEXT[rs.lang],
        suggestion=_UNVERIFIED_SUGGESTION[rs.lang],
    )


def context_findings(
    norm: Normalized, ctx: Context, mentions_debt: bool, found: list[Finding]
) -> list[Finding]:
    """Violations that depend on who is listening or on the account, not on wording alone."""
    rs = ruleset(ctx.locale)
    out: list[Finding] = []
    cats = {f.category for f in found}
    if ctx.party == "third_party" and mentions_debt and Category.third_party_disclosure not in cats:
        rule = rs.first(Category.third_party_disclosure)
        base = norm.base.text
        tpd = Category.third_party_disclosure
        hits = (x for x in DEBT_MENTION[rs.lang].finditer(base) if rule)
        m = next((x for x in hits if not framed(base, x.start(), x.end(), tpd, rule.id, rs.lang)), None)
        if rule and m:
            out.append(_finding(rule, norm, *norm.base.original_span(m.start(), m.end()), method="context"))
    told = cats | {f.category for f in out}
    if (
        ctx.party == "third_party"
        and Category.third_party_disclosure in told
        and Category.harassment not in cats
    ):
        rule = rs.first(Category.harassment, "shaming")
        m = _WORKPLACE[rs.lang].search(norm.base.text)
        if rule and m:
            out.append(_finding(rule, norm, *norm.base.original_span(m.start(), m.end()), method="context"))
    if ctx.party == "debtor" and not ctx.verified and Category.third_party_disclosure not in cats:
        # Before verification the listener may not be the debtor (DOMAIN: verify BEFORE saying anything
        # about the debt). Major, not critical: nobody is known to be a third party yet. The scorecard
        # keeps this only when the call never verifies; otherwise it is an order mistake.
        rule = unverified_rule(rs)
        m = _DEBT_DETAIL[rs.lang].search(norm.base.text)
        if rule and m:
            out.append(_finding(rule, norm, *norm.base.original_span(m.start(), m.end()), method="context"))
    if ctx.amount_due and Category.misrepresentation not in cats:
        rule = rs.first(Category.misrepresentation, "inflated_amount")
        base = norm.base.text
        for amt in amounts(base, ctx.locale):
            if amt.value > ctx.amount_due * 1.1 and _OWED[rs.lang].search(base[: amt.start]) and rule:
                f = _finding(rule, norm, *norm.base.original_span(amt.start, amt.end), method="context")
                f.description = f"{rule.description} (stated {amt.value:g}, balance {ctx.amount_due:g})"
                out.append(f)
                break
    return out


def dedupe(findings: list[Finding]) -> list[Finding]:
    """One finding per category: the most severe (the first of equals)."""
    best: dict[str, Finding] = {}
    for f in findings:
        cur = best.get(f.category)
        if cur is None or severity_rank(f.severity) > severity_rank(cur.severity):
            best[f.category] = f
    return sorted(best.values(), key=lambda f: (-severity_rank(f.severity), f.start))
