"""Compositional scoring for veiled, implied and paraphrased violations.

Rule patterns catch a banned statement by its words; a paraphrase avoids those words ("your daughter
gets out at 3:15, cute backpack", "你下半辈子恐怕就得在高墙里面过了"). What a paraphrase cannot avoid is
the combination of what it talks about: a veiled threat puts a target the collector has no reason to
bring up (family, school, home, the way home at night) next to a menacing or conditional frame ("it'd
be a shame", "谁也说不准", "if you keep dodging"); an implied legal threat puts arrest, jail or seizure
next to certainty or non-payment; insinuated harassment puts contact next to an audience, a frequency
or an hour. Each cue class below is a word family (synonyms, colloquial and regional variants), so
wording never seen before still lands in a class; a violation needs two classes in one sentence.

Single classes are common in lawful lines ("your family may worry", "the police are not involved"),
so a combination is vetoed when the sentence negates it, sits in a lawful frame (court process, the
credit record, a scam warning, the listener's words played back) or the cue itself is suppressed by
the rule path's own checks (`compliance.suppressed`, `frames.framed`).
"""

from __future__ import annotations

import re
from functools import lru_cache

from grading.acts import Category
from grading.compliance import _finding, debtor_quote_spans, ruleset, suppressed
from grading.frames import framed
from grading.normalize import Normalized
from grading.results import Context, Finding


def _alt(*words: str) -> str:
    return "|".join(words)


# ------------------------------------------------------------------ zh-CN families
_ZH = {
    # people and places a collector has no business bringing into a demand
    "target": _alt(
        r"家人|家里人|一家老小|全家|那口子|老伴|老爷子|老太太|老头子|老婆|媳妇|老公|丈夫|妻子|爱人|对象|孩子|儿子|女儿|闺女|小孩|娃|宝宝|宝贝",
        r"父母|爸妈|你爸|你妈|老爸|老妈|老人|老母亲|老父亲|爷爷|奶奶|姥姥|姥爷|外婆|外公|兄弟姐妹|亲人",
        r"学校|幼儿园|小学|中学|初中|高中|上学|放学|接送|校门",
        r"家门|你家|家里|楼下|小区|住址|住的地方|老家|房子|宅子|院子|店里|店铺|铺子|门面|档口|厂里|厂子|摊|生意|买卖",
        r"夜班|小路|公园|菜市场|车子|你的车|那辆车|车窗|电动车|摩托|单车|轮胎|车胎|玻璃|回家|下班|出门|走夜路|夜路|路上|一个人|独自|路灯|晚上|半夜|夜里|深夜",
        r"身体|腿|胳膊|手指|脸|命|身子|健康|平安|邻居|街坊",
    ),
    # hedges and frames that turn a harmless topic into menace
    "menace": _alt(
        r"小心|当心|留个?心眼|留点?神|多留意|注意点|保不齐|保不准|难保|说不准|说不好|不好说|说不清|讲不清",
        r"谁也说不准|谁知道|谁也不知道|难说|掂量|看着办|好自为之|等着瞧|走着瞧|你懂的|你懂我意思|你明白我的意思",
        r"水灵|标致|机灵|不担心吗|担心吗|放心吗|多危险|可爱|漂亮|乖巧|挺乖|长得真|可惜了|可就|就不好了|就麻烦了|天有不测|不太平|不安全|出点?事|出个?意外",
        r"挺吓人|吓人|可不得了|不得了|可不一定|还能开几天|能开几天|没人说得清|没人知道|谁也拦不住|谁也管不了|经得起|经不起|禁得起|受得了吗|吃得消|扛得住(?!的(数|金额|额度|方案|钱|范围|数字|节奏))|别怪别人|别怪",
        r"后果自负|什么后果|有什么后果|别怪我|别说我没提醒|没提醒你|我可提醒|提醒你一句|哪天|那天",
    ),
    # harm named by euphemism or colloquial verb
    "harm": _alt(
        r"出事|出点事|出意外|意外|磕了碰了|磕着碰着|磕磕碰碰|缺胳膊|少条腿|断手断脚|着火|着了火|失火|起火|火灾",
        r"车祸|受伤|送.{0,3}医院|进医院|躺医院|见血|见红|破相|好受|遭殃|吃苦头|吃亏|收拾|废了|弄残|弄死|做掉|(把|给)(你|您)(给)?办了|办了(你|您)",
        r"摔一跤|摔跤|摔倒|叫救护车|教你做人|长长?记性|颜色看看|有你好看|有你受的|兜着走|砍|kan|揍|捅|泼油漆|泼漆|砸|卸了|打断|打残|好看的|被人?.{0,2}(掀|砸|烧|扎|划|泼|堵|打)了?",
    ),
    # people brought along
    "crew": _alt(
        r"(早晚|迟早|总会|自然)有人|兄弟|弟兄|哥们|几个(朋友|兄弟|哥们|人)|一些朋友|派人|我们的人|几个人|一帮人|一群人|找人|叫人|带人|朋友们|社会上的|道上的|小弟|手下"
    ),
    "visit": _alt(
        r"找(着|到|得到|得着)你|都能找|上门|登门|去你|到你|来你|找你|堵你|去店里|喝喝?茶|坐坐|串串?门|拜访|聊聊|谈谈|会会|见见|门口等"
    ),
    # non-payment or continued avoidance as the condition
    "cond": _alt(
        r"不还|再拖|再这么|再不|拖下去|不处理|不配合|躲着?|不接电话|赖着|赖账|欠账不还|欠钱不还|还不上|否则|不然",
        r"要不然|继续拖|一直拖|老这样|执迷不悟|耍赖",
    ),
    # criminal process, custody and seizure
    "legal": _alt(
        r"坐牢|牢里|牢饭|大牢|高墙|铁窗|号子|看守所|拘留|派出所|公安|警察|民警|穿制服|制服|手铐|铐走|抓走|被抓",
        r"抓进去|抓jin|抓人|逮捕|拘捕|通缉|立案|刑事|犯罪|犯法|案底|判刑|判你|坐几年|下半辈子|蹲几年|移交|相关部门",
        r"在?里[面边](过|待|蹲|住)|有关部门|经侦|找你谈话|约谈|传唤|查封|没收|拍卖你|冻结你|(?<![存转打放充汇交塞])进去",
    ),
    "certain": _alt(
        r"就|肯定|一定|马上|很快|立刻|等着|到时候|迟早|早晚|恐怕|就得|已经|下一步|明天|今天|这周|月底前|跑不了"
    ),
    # contact and publication
    "contact": _alt(
        r"打电话|打给|打到|打过电话|给你打|给你拨|拨|发短信|发信息|发消息|短信|微信|发到|发在|发群|群里|朋友圈|贴|张贴",
        r"电话|来电|接到|挂出|公布|曝光|告诉|通知|上门|登门|拉横幅|喇叭|广播|响一次|要账|催账|讨债|登报",
    ),
    "audience": _alt(
        r"群里|你们村|全村|村里人|镇上|街坊四邻|同事|领导|老板|上司|单位|(?<!贷款)(?<!金融)(?<!信贷)(?<!借款)(?<!保险)公司|全公司|亲戚|亲朋|朋友|通讯录|联系人|邻居|街坊|小区|村里|村口|老家|家族群",
        r"亲戚群|同学群|业主群|朋友圈|所有人|每个人|大家|客户|学校|老师|家长群|告示|公示|当着",
    ),
    "escalate": _alt(
        r"大家|认不认识|下一步|全部|所有|挨个|一个一个|每一个|都会|都得|天天|当着|让.{0,6}知道|欠款告示|欠钱的事|欠债"
    ),
    "freq": _alt(
        r"天天|每天|每隔|隔.{0,3}分钟|每.{0,3}(分钟|小时)|一直打(?!不)|不停|轮番|轮流|打爆|连环|几十个|上百个|照样|反复",
        r"无数|24小时|全天|日夜|白天黑夜|响一次|一次接一次|一遍一遍|一遍遍|没完|不间断",
    ),
    "hours": _alt(r"半夜|凌晨|深夜|三更|睡你的|睡觉|后半夜|大半夜|天不亮|晚上十[一二]点|夜里[一二三四]点"),
    # self-presentation + an office the collector does not hold
    "self": _alt(r"我是|我们是|这里是|这边是|我这边|我们这边|本人是|代表|以.{0,8}(名义|身份)|打来的|来电的"),
    "authority": _alt(
        r"执行口|执行局|执行庭|执行组|法院|公安|派出所|经侦|检察|司法|政府|公检法|专案组|调查组|办案|稽查|督查",
        r"监管部门|金融办|纪委|税务|街道办|仲裁委|调解中心|官方通知|正式通知|红头文件|案件编号|警号|工作证",
    ),
    "auth_act": _alt(
        r"负责给你送达|送达文书|配合调查|协助调查|接受调查|核实你的财产|财产情况|到案|立案调查|官方通知|正式通知|不是银行打"
    ),
    # amounts and scope beyond the account
    "consent": _alt(r"预约|同意|征得|方便的时间|您方便"),
    "farewell": _alt(r"注意安全|路上(小心|慢点)|早点休息|明天再联系|再联系|回头聊|再见"),
    "kin": _alt(r"孩子|儿子|女儿|闺女|老婆|媳妇|老公|爸妈|父母|老人|家人|学校|幼儿园|小学|放学|上学"),
    "contract": _alt(r"按(照)?(合同|协议|约定|条款)|(合同|协议)(约定|规定|里|上)|根据(合同|协议)"),
    "amount_jump": _alt(r"翻倍|翻番|翻[一两三几]倍|[一两二三四五几十]倍|加倍|自动加|利滚利|滚到|涨到|滚成"),
    "scope": _alt(
        r"名下所有|所有的?(卡|银行|账户)|别的银行|其他银行|全部银行|所有银行|全国|连别的|一起(停|冻|封)|同步冻结"
    ),
    "block": _alt(r"冻结|停掉|停用|封掉|封了|注销|作废|拉黑|停了|用不了|销户"),
    "waive": _alt(r"销掉|免掉|抹掉|一笔勾销|不用还了|全免|全部免|剩下的.{0,6}(免|销|不用)|给你免"),
    "own_power": _alt(r"我说了算|我做主|我能做主|包在我|我来搞定|我帮你搞定|领导那边我|我跟领导说"),
    "agent": _alt(r"我(就|会|要|去|得)|我们(就|会|要|去)|找人|叫人"),
    "surcharge": _alt(r"新增|额外|附加|手续费|罚金|违约费|管理费|上门费|服务费|外访费|律师费"),
    "you": _alt(r"你|您"),
    "limit": _alt(
        r"最多|不超过|只会|只在|仅在|之间|以内|(每天|一天|每周|一周)[^，。,]{0,8}[一两](次|回|通)",
        r"控制[^，。,]{0,8}(次数|频率|频次)|按(规定|要求)[^，。,]{0,6}(次数|频率|时间)",
        # asking when the debtor can take a call ("您看每天几点接电话比较方便")
        r"(比较|最)方便|方便(接|的时间|的时候)|什么时候方便|几点方便",
    ),
    "mock": _alt(
        r"(脑子|脑袋|脑瓜|智商|良心|脸皮|心眼|人性|耳朵|眼睛).{0,8}(有病|进水|浆糊|装的是|被驴踢|被门夹|城墙|厚|忘了",
        r"没装|没长|白长|喂狗|不好使|不够用|是摆设|坏了|有问题)|你.{0,4}(聋|瞎|傻)了|撒比|煞笔|沙比|傻比|特么|特码",
        r"他喵|尼玛|草泥马|卧槽|(你这种人|像你这样的人|你这号人|你这样的人).{0,10}(丢脸|丢人|可耻|恶心|浪费|不配|多余|活着)",
    ),
    "neg": _alt(
        r"不会|不是|并不|并非|没有|不用|不必|无需|不涉及|不属于|不构成|别担心|不要担心|放心|绝不|从不|不可能",
        r"不能|不允许|禁止|严禁|不得|不该|不应该|不应当",
    ),
    "lawful": _alt(
        r"照顾好|早日康复|保重身体|顾好自己|打120|报警|征信|信用记录|诉讼|起诉|法院判决|依法|罚息|滞纳金|违约金|分期|减免|协商|冒充|冒用|骗子|诈骗|不法分子|报案",
        r"报警|回执|官方渠道|客服热线|投诉|理解|难处|体谅|不容易|辛苦|(您|你)可以(去|到|向|找)",
    ),
}

# ------------------------------------------------------------------ en-US families
_EN = {
    "target": _alt(
        r"\b(wife|husband|spouse|kids?|children|child|son|daughter|baby|family|mom|mother|dad|father|parents",
        r"grandma|grandmother|grandpa|grandkids?|girlfriend|boyfriend|fianc\w+|sister|brother|school|elementary",
        r"daycare|kindergarten|bus stop|playground|backpack|home|house|place|address|apartment|driveway|porch",
        r"front door|neighbou?rhood|street|car|truck|vehicle|windows?|shop|store|garage|dog|cat|pet|way home",
        r"walk home|at night|after dark|tonight|alone|parking (lot|garage)|kneecaps?|legs?|hands?|face|health)\b",
    ),
    "menace": _alt(
        r"\b(would be a (shame|pity)|be a (real )?shame|shame if|pity if|accidents (happen|do happen)",
        r"accidents? (can|could|might) happen|can'?t guarantee|no guarantees?|who knows|you never know",
        r"never know what|anything (can|could) happen|things happen|stuff happens|hate for|would hate|you'?d hate",
        r"wouldn'?t want|hard way|in person|explain things|watch your back|be careful|careful out there",
        r"lock your doors|cute|pretty|lovely|adorable|nice (house|car|family|place|truck|kids)|just saying",
        r"for your own good|over your shoulder|sleep well|sweet dreams|get a visit|knows where|we know where",
        r"i know where|not so safe|unfortunate|keep an eye on|have a way of|something to think about|think about that|food for thought)\b",
    ),
    "harm": _alt(
        r"\b(hurt(?! your (credit|score|rating|chances|record))|get hurt|accident|injur\w*|in the hospital",
        r"end up in (the )?hospital|on fire|set fire|catch(es|ing)? fire|go up in flames|break more than|need (a|an) (doctor|ambulance|surgeon)|need stitches|burn (it|down|your)|burned down|broken (bones?|legs?|arms?|jaw|nose)",
        r"break (your|his|her|every|those|that)|smash\w*|bruis\w*|bleed\w*|b[o0]dy ?bags?|grave|funeral",
        r"regret(?! to)|shot(?! at (a|the|settling|this))|shoot(?! (you |me |us )?(an?|the|over|quick|back|me)\b)",
        r"bullet|b-u-l-l-e-t|guns?|knife|wreck\w*|beat (you|him|her|it out)|beat(ing|en) (you|up)|slash\w*",
        r"torch\w*|wheelchair|casket|coffin|crippl\w*|black eye|the hard way)\b",
    ),
    "crew": _alt(
        r"\b(some guys|guys|my boys|the boys|some friends|friends of mine|associates|a couple of (guys|people)",
        r"a few (guys|people|friends)|my (cousins?|brothers?)|people who|some people|our people)\b",
    ),
    "visit": _alt(
        r"\b(come by|stop by|drop by|swing by|pay (you |them )?a visit|visit|show up|in person|at your door|knock",
        r"over there|come over|find you|track you down|hunt you down|outside your|waiting for you|driving over",
        r"heading over|on (my|our) way)\b",
    ),
    "cond": _alt(
        r"\b(if (you|this|it) (don'?t|isn'?t|won'?t|doesn'?t|keep)|keep (this up|dodging|ignoring|stalling",
        r"playing|screwing|messing|avoiding|hiding|it up)|if you (skip|miss)|unless|otherwise|or else|(who|that) (don'?t|doesn'?t|won'?t|never) pay|don'?t pay|not paying|refuse to pay|stiff(s|ing|ed)? (us|me|the bank)|over (four|five|a few|\$)",
        r"\w+ grand|for a few (hundred|thousand))\b",
    ),
    "legal": _alt(
        r"\b(jail|prison|behind bars|locked up|lock(ed)? you up|(jail|prison|holding) cells?|license plates|jumpsuit|cuffs|handcuffs",
        r"badge|arrest\w*|warrants?|police|cops|sheriff|deputy|detectives?|criminal|crime|felony|fraud",
        r"prosecut\w*|charges|indicted|pick you up|haul you|take you in|perp walk|mugshot|seize[ds]?|seizure",
        r"take your (house|car|home|truck)|garnish\w*|deport\w*|immigration|visa|passport|booked)\b",
    ),
    "certain": _alt(
        r"\b(will|'ll|gonna|going to|by (monday|tuesday|wednesday|thursday|friday|tomorrow|tonight|the end of)",
        r"next time|once|soon|today|tomorrow|this week|before long|any day|stops being|turns into|becomes",
        r"automatically|they can|can pick|are coming|is coming|on (its|their) way)\b",
    ),
    "contact": _alt(
        r"\b(call|calls|calling|called|ring|ringing|dial\w*|text\w*|messages?|email\w*|hear from (me|us)",
        r"hearing from (me|us)|phone|contact\w*|reach out|visit|show up|post\w*|share|tell|notify|announce",
        r"finds? out|find out|know about|work through|go through|picks? up|ringtone|flyers?)\b",
    ),
    "audience": _alt(
        r"\b(manager|boss|coworkers?|co-workers?|colleagues|employer|office|hr|pastor|church|congregation",
        r"neighbou?rs|neighbou?rhood|friends|relatives|cousins|in-laws|everyone|everybody|every (single )?name",
        r"contacts|phone ?book|whole (town|street|office|family)|linkedin|facebook|social media|pta|gym)\b",
    ),
    "escalate": _alt(
        r"\b(all|every|everyone|everybody|until|make sure|find out|finds out|will be hearing|be hearing",
        r"what you('ve| have)? been|know about|dodging|you owe|deadbeat|in front of)\b",
    ),
    "freq": _alt(
        r"\b(every (hour|day|night|morning|few minutes|\d+ minutes|single (day|night|hour))|on the hour",
        r"around the clock|non-?stop|all day|all night|again and again|over and over|until (this|you|somebody",
        r"someone|it)|\d+ (more )?(times|calls)|eleven|twelve|twenty|dozens?|hundred times|keep calling",
        r"day and night|24/7|morning, noon)\b",
    ),
    "hours": _alt(
        r"\b([1-5] ?(a\.?m\b\.?|in the m[o0]rning)|middle of the night|midnight|after (10|11|ten|eleven)",
        r"crack of dawn|wee hours|while you sleep|bedtime|dinner ?time every)",
    ),
    "self": _alt(
        r"\b(i'?m (calling )?(from|with)|this is|we'?re (from|with)?|i work (for|with|alongside)|as (your )?counsel",
        r"calling from|we represent|speaking for|my office|our (office|department|division|unit)|i'?m an?",
        r"i am an?|i'?m the|i am the)\b",
    ),
    "authority": _alt(
        r"\b(enforcement (division|unit|department|office|agency)|(?<!-)county'?s?|state'?s? (attorney|department)",
        r"federal|district attorney|prosecutor'?s?|sheriff'?s?|marshal'?s?|police|department of justice|bureau of",
        r"counsel|attorney|lawyer|law firm|firm representing|court|judge|clerk of|magistrate|irs|treasury",
        r"government|officer|investigator|investigations? (unit|division)|fraud (unit|division)|case number",
        r"badge number|official notice|the authorities)\b",
    ),
    "auth_act": _alt(r"\b(official notice|cooperate with (me|us|the investigation)|under investigation)\b"),
    "consent": _alt(r"\b(appointment|with your (consent|permission)|if you agree|schedule|convenient)\b"),
    "farewell": _alt(
        r"\b(take care|drive safe|stay safe|get home safe|have a good (night|evening|day|weekend)|talk (to you )?"
        r"(soon|tomorrow)|call me (tomorrow|back|later))\b"
    ),
    "kin": _alt(
        r"\b(kids?|children|son|daughter|wife|husband|mother|mom|father|dad|parents|school|elementary)\b"
    ),
    "contract": _alt(
        r"\b(under|per|according to|in|at the rate in) (your|the) (card |loan |cardholder )?(agreement|contract|terms)\b"
    ),
    "amount_jump": _alt(
        r"\b(doubles?|doubled|doubling|triples?|tripled|quadruple\w*|balance is now|jumps? to|goes up to",
        r"balloons?|all the (p[e3]nalties|fees)|penalt\w* (of|will)|\d+ ?% (a|per) (day|week))\b",
    ),
    "scope": _alt(
        r"\b(all (your|of your|the) (accounts|cards|benefits)|social security|every bank|any bank|other banks",
        r"for good|for life|permanently|forever|z[e3]ro|rest of your life|never (get|be approved))\b",
    ),
    "block": _alt(
        r"\b(lose|lost|frozen|freeze|cut off|stopped|cancel\w*|shut down|drops? to|ruined|closed|taken away)\b"
    ),
    "waive": _alt(r"\b(wipe\w* (out|off|away)|erase\w*|forgive\w*|waive\w*|make (it|the rest) disappear)\b"),
    "own_power": _alt(
        r"\b(i (can )?personally|i'?ll handle|i have the authority|my call|i decide|take my word)\b"
    ),
    "agent": _alt(r"\b(i'?ll|i will|we'?ll|we will|i'?m gonna|i'?m going to|we'?re gonna|gonna)\b"),
    "surcharge": _alt(
        r"\b(new|extra|added|additional|all the|with the) (fees|p[e3]nalt\w*|charges|surcharges?)\b"
    ),
    "limit": _alt(
        r"\b(at most|no more than|only (call|between|during)|between \d|up to (once|twice)|(once|twice) (a|per) (day|week))\b"
    ),
    "you": _alt(r"\b(you|your|yours|you'?re|a grown (man|woman|adult))\b"),
    "mock": _alt(
        r"\b(born|brains?|head|ears|skull|mirror|iq)\b.{0,25}\b(useless|empty|echo|nothing|embarrassed|ashamed",
        r"practice|rocks|hollow|vacancy|dead weight)\b|\b(brains?|iq|sense|smarts) of an?\b|\bdumber than\b|\b(single|one|working|two) brain cells?\b",
        r"\b(useless|embarrassed|ashamed|empty)\b.{0,25}\b(born|brains?|head|ears|skull|mirror)\b",
    ),
    "neg": _alt(
        r"\b(not|never|no one|nobody|won'?t|will not|don'?t|do not|doesn'?t|isn'?t|aren'?t|cannot|can'?t",
        r"couldn'?t|no need|nothing)\b",
    ),
    "lawful": _alt(
        r"\b(credit report|credit bureaus?|lawsuit|sue|judgment|court order|lawful|by law|late fee|interest",
        r"settlement|scam\w*|fraudster|impersonat\w*|police report|identity theft|dispute|verify|legitimate",
        r"sorry to hear|i understand|that must be|things are hard|hard time|tough time|going through|get well",
        r"i'm sorry|you (can|may|could) (file|call|contact|reach))\b",
    ),
}
# Tag questions carry a negation that negates nothing ("wouldn't you?", "对吧").
_TAG = {
    "zh": re.compile(r"是不是|对不对|好不好|是吧|对吧"),
    "en": re.compile(
        r"\b(wouldn'?t|won'?t|isn'?t|don'?t|aren'?t|doesn'?t|didn'?t|can'?t) (you|it|they|we|he|she)\?"
    ),
}
# "Not us next time, but men in uniform": the negation rules out the harmless alternative, it negates nothing.
_CONTRAST = {
    "zh": re.compile(
        r"(就)?不(再)?是[^，。！？,!?]{0,16}[，,]?\s*((而|就|那)?(?<![不也])是|得|要|会)|不只是|不光是|不仅仅是"
    ),
    "en": re.compile(
        r"\b(won'?t|will not|isn'?t|is not|not) (be )?(just )?(us|me|a (phone )?call|a letter|a collector)\b"
        r"|\bnot just\b"
    ),
}
# (category, rule id suffix, first class, second class, classes that veto on top of negation)
_COMBOS = (
    (Category.threat_violence, "veiled", "target", "menace", ("lawful",)),
    (Category.threat_violence, "veiled", "target", "harm", ("lawful",)),
    (Category.threat_violence, "veiled", "crew", "visit", ()),
    (Category.threat_violence, "veiled", "crew", "harm", ()),
    (Category.threat_violence, "veiled", "crew", "menace", ()),
    (Category.threat_violence, "veiled", "harm", "cond", ("lawful",)),
    (Category.threat_violence, "veiled", "harm", "menace", ("lawful",)),
    (Category.threat_violence, "veiled", "visit", "harm", ()),
    (Category.threat_violence, "veiled", "harm", "agent", ("lawful",)),
    (Category.threat_legal, "arrest_jail", "legal", "cond", ("lawful",)),
    (Category.threat_legal, "arrest_jail", "legal", "certain", ("lawful",)),
    (Category.harassment, "call_flood", "contact", "freq", ("limit",)),
    (Category.harassment, "call_flood", "contact", "hours", ("limit",)),
    (Category.harassment, "shaming", "audience", "escalate", ("lawful",)),
    (Category.harassment, "shaming", "visit", "audience", ("lawful", "consent")),
    (Category.impersonation, "", "self", "authority", ("lawful", "near")),
    (Category.impersonation, "", "auth_act", "auth_act", ("lawful",)),
    (Category.misrepresentation, "inflated_amount", "amount_jump", "certain", ("contract",)),
    (Category.misrepresentation, "inflated_amount", "amount_jump", "cond", ("contract",)),
    (Category.misrepresentation, "inflated_amount", "amount_jump", "surcharge", ("contract",)),
    (Category.insult, "demeaning", "you", "mock", ()),
    (Category.insult, "name_calling", "you", "mock", ()),
    (Category.misrepresentation, "false_consequence", "scope", "block", ()),
    (Category.misrepresentation, "false_waiver", "waive", "own_power", ()),
)


def _short(sentence: str, lang: str) -> bool:
    """A short second sentence is a tag-on to the first ("Just something to think about.")."""
    return (len(sentence.split()) <= 6) if lang == "en" else (len(sentence.strip()) <= 8)


_ANAPHOR = {
    "zh": re.compile(r"[^，。！？,!?]{0,6}(他们|她们|那帮|这帮|那些人)"),
    "en": re.compile(r"\s*(\w+\s+){0,2}(they|them|those guys|these guys)\b"),
}
# Classes too common to carry a negation's scope (a "就" or "will" inside a contrast means nothing).
_WEAK = {"certain", "cond", "you", "agent"}
# Shaming needs contact as well as an audience and an escalation: checked as a third class.
_THIRD = {("shaming", "audience"): "contact"}


@lru_cache(maxsize=4)
def _compiled(lang: str) -> dict[str, re.Pattern]:
    fams = _ZH if lang == "zh" else _EN
    return {name: re.compile(rx) for name, rx in fams.items()}


_SPLIT = re.compile(r"[。！？!?；;\n]+|\.(?:\s+|$)")


def _sentences(text: str) -> list[tuple[int, int]]:
    spans, a = [], 0
    for m in _SPLIT.finditer(text):
        if m.start() > a:
            spans.append((a, m.start()))
        a = m.end()
    if a < len(text):
        spans.append((a, len(text)))
    return spans


def _hits(rx: re.Pattern, text: str, a: int, b: int) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in rx.finditer(text, a, b) if m.end() > m.start()]


def _negated(
    fams: dict[str, re.Pattern], text: str, a: int, b: int, lang: str, masked: list, strong: list
) -> bool:
    """A negation in the sentence that is not part of a cue ('if you don't pay', 'can't guarantee').

    A contrast ("不是我们，是穿制服的") negates only what sits in its first half: a strong cue there
    ("不是法院，我是银行的") is negated; otherwise the contrast is masked like a cue.
    """
    for m in _CONTRAST[lang].finditer(text, a, b):
        neg_end = m.end() - 1 if lang == "zh" else m.end()
        if any(m.start() <= s < neg_end for s, _ in strong):
            return True
    chars = list(text[a:b])
    for s, e in masked:
        for i in range(max(s, a), min(e, b)):
            chars[i - a] = " "
    rest = _CONTRAST[lang].sub(" ", _TAG[lang].sub(" ", "".join(chars)))
    return bool(fams["neg"].search(rest))


def _pick_rule(locale: str, category: str, suffix: str):
    rs = ruleset(locale)
    return rs.first(category, suffix) if suffix else None or rs.first(category)


def veiled_findings(norm: Normalized, ctx: Context, found: list[Finding]) -> list[Finding]:
    """Findings for sentences that combine two independent cue classes of one violation."""
    lang = "zh" if ctx.locale.lower().startswith("zh") else "en"
    fams = _compiled(lang)
    text = norm.clean.text
    have = {str(f.category) for f in found}
    out: list[Finding] = []
    quoted = debtor_quote_spans(text, lang)  # the debtor's own words read back are not cues

    def cues(fam, a: int, b: int) -> list[tuple[int, int]]:
        return [h for h in _hits(fam, text, a, b) if not any(q0 <= h[0] and h[1] <= q1 for q0, q1 in quoted)]

    spans = _sentences(text)
    # "Some friends of mine live near you. They might stop by.": a threat carried over by a pronoun
    pairs = [
        (x[0], y[1])
        for x, y in zip(spans, spans[1:], strict=False)
        if _ANAPHOR[lang].match(text, y[0]) or _short(text[y[0] : y[1]], lang)
    ]
    for a, b in spans + pairs:
        for cat, suffix, c1, c2, vetoes in _COMBOS:
            if str(cat) in have or ((a, b) in pairs and cat != Category.threat_violence):
                continue
            h1, h2 = cues(fams[c1], a, b), cues(fams[c2], a, b)
            if not h1 or not h2 or (c1 == c2 and len(h1) < 1):
                continue
            third = _THIRD.get((suffix, c1))
            h3 = _hits(fams[third], text, a, b) if third else []
            if third and not h3:
                continue
            if "near" in vetoes:
                # a self-presentation names its own office: the office follows within a few words
                reach = 16 if lang == "zh" else 45
                near = [
                    (x, y)
                    for x in h1
                    for y in h2
                    if 0 <= y[0] - x[0] <= reach and "," not in text[x[0] : y[0]]
                ]
                if not near:
                    continue
                h1, h2 = [near[0][0]], [near[0][1]]
            if any(fams[v].search(text, a, b) for v in vetoes if v != "near"):
                continue
            if cat == Category.threat_violence and fams["farewell"].search(text, a, b):
                if not fams["kin"].search(text, a, b):
                    continue  # "drive safe tonight, talk tomorrow": a sign-off, unless it names the family
            conds = _hits(fams["cond"], text, a, b) if "cond" in fams else []
            strong = [h for c, hs in ((c1, h1), (c2, h2)) if c not in _WEAK for h in hs]
            if _negated(fams, text, a, b, lang, h1 + h2 + h3 + conds, strong):
                continue
            s, e = h1[0]
            if suppressed(text, s, e, cat, lang) or framed(text, s, e, cat, "", lang):
                continue
            rule = _pick_rule(ctx.locale, cat, suffix) or ruleset(ctx.locale).first(cat)
            if rule is None or rule.context not in ("any", ctx.party):
                rule = ruleset(ctx.locale).first(cat)
            if rule is None:
                continue
            ss, ee = min(h1[0][0], h2[0][0]), max(h1[0][1], h2[0][1])
            out.append(_finding(rule, norm, *norm.clean.original_span(ss, ee)))
            have.add(str(cat))
    return out
