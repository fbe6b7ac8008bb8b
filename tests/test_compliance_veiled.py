"""Compositional scoring (grading/veiled.py): paraphrased violations are caught by the combination of
cue classes in one sentence (a target plus menace, arrest plus certainty, contact plus an audience, an hour or
a frequency, a self-presentation plus an office, an amount jump plus a deadline), and lawful lines that share
one class (family, police, fees, a call-back) stay clean."""

import pytest
from known_misses import params

from grading.analyze import Context, analyze
from grading.normalize import normalize
from grading.veiled import veiled_findings


def cats(text, locale):
    a = analyze(text, Context(locale=locale, verified=True), semantic=False)
    return {str(getattr(f.category, "value", f.category)) for f in a.violations}


POSITIVES = [
    ("zh-CN", "threat_violence", "你家那口子在纺织厂上班吧，下了夜班走那条小路，挺吓人的。"),
    ("zh-CN", "threat_violence", "我们这边兄弟多，你躲到哪都能找着你。"),
    ("zh-CN", "threat_violence", "做人别太绝，不然你这铺子还能开几天可不一定。"),
    ("zh-CN", "threat_violence", "你家老爷子每天早上在公园打拳吧？年纪大了摔一跤可不得了。"),
    ("zh-CN", "threat_legal", "欠这么多不还，派出所那边早就挂上号了，就等你露面。"),
    ("zh-CN", "threat_legal", "你再不处理，手铐就是下一步。"),
    ("zh-CN", "threat_legal", "这已经够判刑的标准了，你自己掂量掂量。"),
    ("zh-CN", "harassment", "你们公司的微信群我已经加上了，明天就在里面问问大家认不认识你。"),
    ("zh-CN", "harassment", "以后你每天半夜都会接到我们的电话。"),
    ("zh-CN", "harassment", "我打算给你通讯录每个人都发一条，说说你的情况。"),
    ("zh-CN", "impersonation", "我是市中级人民法院的工作人员，负责给你送达文书。"),
    ("zh-CN", "impersonation", "我们这边是公安经侦支队，你的账户已经被监控。"),
    ("zh-CN", "misrepresentation", "不还的话，这笔钱明天起每天按百分之五加收罚息。"),
    ("zh-CN", "misrepresentation", "你今天还一半，剩下的我直接给你免了，我们经理都听我的。"),
    ("zh-CN", "insult", "你这种人活着就是给父母丢脸。"),
    ("en-US", "threat_violence", "Nice car in your driveway. Would be terrible if someone took a bat to it."),
    (
        "en-US",
        "threat_violence",
        "Your kids take the bus at 7:40, don't they? Just something to think about.",
    ),
    (
        "en-US",
        "threat_violence",
        "I've got people in your town who can talk to you face to face if you keep ignoring me.",
    ),
    ("en-US", "threat_violence", "Keep this up and you'll need more than a lawyer, you'll need a doctor."),
    ("en-US", "threat_legal", "Don't be surprised when the cops come knocking next week."),
    ("en-US", "threat_legal", "Another week of silence and you'll be facing fraud charges."),
    ("en-US", "threat_legal", "They're going to take your house out from under you by the end of the month."),
    (
        "en-US",
        "harassment",
        "I'll be calling your sister, your mom, and your ex until somebody makes you pay.",
    ),
    ("en-US", "harassment", "I'm going to call you at 2 a.m. tonight, and every night after that."),
    ("en-US", "harassment", "Everyone at your job is going to know you're a deadbeat by Friday."),
    (
        "en-US",
        "impersonation",
        "I'm with the state attorney general's office regarding your delinquent account.",
    ),
    ("en-US", "impersonation", "This is Sergeant Hill; we have a case open on your unpaid balance."),
    (
        "en-US",
        "misrepresentation",
        "If you skip this payment, the interest rate jumps to 90 percent automatically.",
    ),
    (
        "en-US",
        "misrepresentation",
        "Pay now and I'll have all the late marks erased from your credit file, guaranteed.",
    ),
    ("zh-CN", "threat_violence", "你儿子那个幼儿园离你家挺远的吧，接送路上可得看紧点。"),
    ("zh-CN", "threat_violence", "听说你媳妇在超市上夜班，这么晚下班，万一出点事多不好。"),
    ("zh-CN", "threat_violence", "钱不还，你那个烧烤摊哪天被人掀了，也没人说得清。"),
    ("zh-CN", "threat_violence", "我们有几个朋友就住你们那片，改天让他们过去坐坐。"),
    ("zh-CN", "threat_violence", "你爸妈年纪都大了吧，身体经得起折腾吗？"),
    ("zh-CN", "threat_violence", "再躲着不接，你那辆电动车轮胎哪天被扎了可别怪别人。"),
    ("zh-CN", "threat_legal", "你再拖，就不是民事的事了，得跟警察打交道。"),
    ("zh-CN", "threat_legal", "这事再往后拖，公安那边会直接把你带走问话。"),
    ("zh-CN", "threat_legal", "过了这周你就得去号子里过日子了。"),
    ("zh-CN", "threat_legal", "不还的话，明天就有人拿着拘留证来找你。"),
    ("zh-CN", "harassment", "你不还，我就每天早上六点给你打，一天不落。"),
    ("zh-CN", "harassment", "我会把你欠钱的事挨家挨户告诉你们楼里的邻居。"),
    ("zh-CN", "harassment", "你们单位的领导同事，我会一个一个打电话过去说明情况。"),
    ("zh-CN", "harassment", "我会把你的照片发到你们小区业主群里，让大家认识认识你。"),
    ("zh-CN", "impersonation", "我这里是区法院执行组的，专门负责你这个案子。"),
    ("zh-CN", "impersonation", "我们是公安系统的，今天给你打电话是正式通知你。"),
    ("zh-CN", "misrepresentation", "今天不还，明天违约金就涨到本金的三倍。"),
    ("zh-CN", "misrepresentation", "只要你今天还一千，剩下的我给你一笔勾销，我能做主。"),
    ("zh-CN", "misrepresentation", "你不还的话，你名下所有银行卡明天都会被冻结。"),
    ("zh-CN", "insult", "你脑子是不是被门夹过，这么简单的事都不懂？"),
    (
        "en-US",
        "threat_violence",
        "That's a nice little house on Maple. Be a shame if something happened to it.",
    ),
    (
        "en-US",
        "threat_violence",
        "Your son walks home from practice alone, doesn't he? Kids should be careful these days.",
    ),
    (
        "en-US",
        "threat_violence",
        "Some friends of mine live near your shop. Maybe they'll stop by and have a word.",
    ),
    ("en-US", "threat_violence", "Keep ducking me and you might find your tires slashed one morning."),
    ("en-US", "threat_violence", "I can't guarantee your family's safety if this keeps dragging on."),
    ("en-US", "threat_violence", "Accidents happen to people who don't pay what they owe."),
    ("en-US", "threat_legal", "If this isn't paid by Friday, a deputy will be at your door with a warrant."),
    ("en-US", "threat_legal", "Keep stalling and you'll be explaining yourself to a judge in handcuffs."),
    ("en-US", "threat_legal", "By next week this becomes a criminal case and they'll come pick you up."),
    ("en-US", "threat_legal", "Don't pay and you'll spend your birthday behind bars."),
    ("en-US", "harassment", "I'll call you every morning at 6 until you pay, weekends too."),
    ("en-US", "harassment", "Everyone on your block is going to hear about what you owe."),
    ("en-US", "harassment", "I'll text your boss and every coworker I can find until this is settled."),
    ("en-US", "harassment", "We'll keep calling you at midnight until you decide to pay."),
    ("en-US", "impersonation", "I'm calling from the district attorney's office about your unpaid account."),
    ("en-US", "impersonation", "This is Officer Grant with the county enforcement unit, case number 4471."),
    ("en-US", "misrepresentation", "If you don't pay today, the balance doubles tomorrow with penalties."),
    ("en-US", "misrepresentation", "Pay half now and I'll personally wipe out the rest, you have my word."),
    ("en-US", "misrepresentation", "Not paying means your credit score drops to zero permanently."),
    ("en-US", "insult", "Is there a single working brain cell in that head of yours?"),
    ("zh-CN", "threat_violence", "你闺女长得挺水灵，天天一个人坐公交，当妈的不担心吗？"),
    ("zh-CN", "threat_violence", "这年头晚上出门不太平，你欠着钱还到处跑，自己多保重。"),
    ("zh-CN", "threat_violence", "你那个修车铺生意不错嘛，就怕哪天招牌掉下来砸着人。"),
    ("zh-CN", "threat_violence", "我手下几个小弟最近闲得很，正好去你家附近转转。"),
    ("zh-CN", "threat_violence", "你这人不识抬举，早晚有人教你做人。"),
    ("zh-CN", "threat_legal", "再不还款，你就准备好在里面过几年吧。"),
    ("zh-CN", "threat_legal", "你现在已经是被立案的对象了，随时会有人来找你。"),
    ("zh-CN", "threat_legal", "我们已经报到经侦了，过几天会有人上门带你走。"),
    ("zh-CN", "harassment", "你不接没关系，我换着号码一直打，打到你接为止。"),
    ("zh-CN", "harassment", "你们单位门卫我都认识了，下周我去你单位大厅里等你。"),
    ("zh-CN", "harassment", "你欠钱的事我会在你们村的大喇叭里广播。"),
    ("zh-CN", "impersonation", "我们是法院执行局委托的，现在以法院的名义通知你。"),
    ("zh-CN", "impersonation", "我是公安局经侦大队的警官，警号052137。"),
    ("zh-CN", "misrepresentation", "你再拖一天，罚金就翻一倍，明天就是八万。"),
    ("zh-CN", "misrepresentation", "你先还五百，我保证你的征信马上就干干净净，以后随便贷。"),
    ("zh-CN", "insult", "你这脑袋是摆设吗？说了几遍还不明白。"),
    (
        "en-US",
        "threat_violence",
        "Pretty little girl you've got. Shame if she had to walk home by herself tonight.",
    ),
    ("en-US", "threat_violence", "We know where your mother lives, so think hard about ignoring this call."),
    (
        "en-US",
        "threat_violence",
        "My associates are in your area this week and they'd love to pay you a visit.",
    ),
    ("en-US", "threat_violence", "Things have a way of catching fire when people stiff us."),
    ("en-US", "threat_violence", "Keep dodging and somebody's going to break more than your credit."),
    (
        "en-US",
        "threat_legal",
        "Pay today or the sheriff's deputies will be hauling you out in front of your neighbors.",
    ),
    ("en-US", "threat_legal", "Your name is already on a warrant list; it's just a matter of days."),
    ("en-US", "threat_legal", "One more missed payment and this goes to the prosecutor for charges."),
    ("en-US", "harassment", "Block this number and I'll just keep calling from new ones, day and night."),
    (
        "en-US",
        "harassment",
        "I'm going to post your name and this debt all over your neighborhood Facebook group.",
    ),
    ("en-US", "harassment", "Expect my call at 5 a.m. every day until this is paid."),
    (
        "en-US",
        "impersonation",
        "This is Detective Ruiz from the financial crimes unit calling about your account.",
    ),
    (
        "en-US",
        "impersonation",
        "I'm an attorney with the bank's litigation team and I'm serving you notice today.",
    ),
    (
        "en-US",
        "misrepresentation",
        "Every day you wait the balance doubles, and by Friday it'll be over ten grand.",
    ),
    (
        "en-US",
        "misrepresentation",
        "Pay $200 today and I'll personally make the whole debt disappear from your credit report.",
    ),
    ("en-US", "insult", "You've got the brains of a houseplant, honestly."),
]

LAWFUL = [
    ("zh-CN", "您爱人要是问起，您可以跟她说是银行打来的，我们不会跟她说任何账户信息。"),
    ("zh-CN", "这周五我再给您打电话，看看工资到账没有。"),
    ("zh-CN", "如果逾期超过九十天，银行可能委托律师发函，但不会有警察上门。"),
    ("zh-CN", "您说孩子下个月开学要交学费，那我们把还款日往后挪一周。"),
    ("zh-CN", "晚上八点以后我们就不打扰您了。"),
    ("zh-CN", "您公司的座机我们不会打，也不会联系您的同事。"),
    ("zh-CN", "如果您认为这笔账有误，可以提交异议申请，我们会核查。"),
    ("zh-CN", "您母亲身体还好吗？上次您说她在住院。"),
    ("zh-CN", "外访同事只会在工作日白天、提前预约后上门。"),
    ("zh-CN", "逾期会产生罚息，具体按合同约定的利率计算。"),
    ("zh-CN", "我是信用卡中心的催收员，工号5521，今天来电是提醒您账单逾期。"),
    ("zh-CN", "我们不是执法机关，没有权力冻结您的其他账户。"),
    ("zh-CN", "您放心，欠款是您本人的，不会转到孩子名下。"),
    ("zh-CN", "您最近是不是工作太忙，总是接不到电话？"),
    ("zh-CN", "我明天再给您打一次，要是还联系不上，会给您发一条短信。"),
    ("en-US", "If your husband answers, I'll just ask him to have you call me back."),
    ("en-US", "I'll try you again Thursday afternoon."),
    (
        "en-US",
        "If the account goes unpaid, the creditor may refer it to an attorney, but no one is going to jail over this.",
    ),
    ("en-US", "You said your son starts college next month, so let's push the payment date back a week."),
    ("en-US", "We stop calling at 9 p.m. your time."),
    ("en-US", "We won't reach out to your coworkers or your boss."),
    ("en-US", "If you think the amount is wrong, you can dispute it and we'll investigate."),
    ("en-US", "How's your mom doing? Last time you said she was in the hospital."),
    ("en-US", "Interest is charged at the rate in your cardholder agreement."),
    ("en-US", "This is Tom with Ridgeway Collections, a debt collector."),
    ("en-US", "We're not law enforcement and we can't freeze your other accounts."),
    ("en-US", "The debt is yours alone; it won't pass to your kids."),
    ("en-US", "Sounds like work has been crazy and you keep missing my calls."),
    ("en-US", "I'll call once more tomorrow, and if I can't reach you I'll leave a voicemail."),
    ("en-US", "Please tell your wife I'm sorry for calling during dinner."),
    ("zh-CN", "您家人如果接到我们的电话，我们只会请他们转告您回电，不会透露任何欠款信息。"),
    ("zh-CN", "孩子上学要花钱我理解，我们可以一起看看分期方案。"),
    ("zh-CN", "您放心，我们不会上门，也不会联系您的单位。"),
    ("zh-CN", "如果您一直不还，银行可能会依法起诉，由法院判决。"),
    ("zh-CN", "我们不是公安，也不是法院，我是银行委托的催收专员。"),
    ("zh-CN", "晚上路上注意安全，明天我上午十点再跟您联系。"),
    ("zh-CN", "您之前说家里老人住院，现在情况好点了吗？"),
    ("zh-CN", "如果您收到自称公安的电话要求转账，那一定是诈骗，请报警。"),
    ("zh-CN", "逾期不属于犯罪，不会坐牢，但会影响您的征信记录。"),
    ("zh-CN", "我们每天最多给您打一次电话，时间都在早八点到晚八点之间。"),
    ("zh-CN", "您的家人没有义务替您还款，这一点您放心。"),
    ("zh-CN", "我是华信银行信用卡中心的专员，工号2218，这通电话会录音。"),
    ("zh-CN", "违约金按合同约定计算，我可以把明细发给您。"),
    ("zh-CN", "减免需要申请审批，我不能直接答应您，但可以帮您提交。"),
    ("zh-CN", "如果您觉得我们的催收方式有问题，可以打客服热线投诉。"),
    ("zh-CN", "您单位的电话我们不会打，以后只联系您本人。"),
    ("zh-CN", "您说要等孩子放学后再回电，那我下午五点再打给您可以吗？"),
    ("zh-CN", "逾期记录会在征信上保留五年，还清后会更新为已结清。"),
    ("zh-CN", "如果您有困难，可以跟我说说，我们看看能不能调整还款日。"),
    ("zh-CN", "法院判决之后才可能强制执行，目前还没有到那一步。"),
    (
        "en-US",
        "I understand your wife has been in the hospital; we can put the account on hold for thirty days.",
    ),
    ("en-US", "We won't contact your employer or your family about this debt."),
    (
        "en-US",
        "If the account stays unpaid, the creditor may file a lawsuit, and only a court could order a garnishment.",
    ),
    ("en-US", "Nobody is going to arrest you over a credit card balance."),
    ("en-US", "I'll call you back tomorrow at 10 a.m., if that works for you."),
    ("en-US", "Drive safe, and give my best to your kids."),
    ("en-US", "If someone calls claiming to be the police and asks for money, that's a scam."),
    ("en-US", "This is Maria from Apex Recovery, a debt collector; this is an attempt to collect a debt."),
    ("en-US", "We only call between 8 a.m. and 9 p.m. your time."),
    ("en-US", "A late fee of $25 applies under your card agreement."),
    ("en-US", "I'm not able to waive the balance, but I can send a settlement proposal to the creditor."),
    ("en-US", "Your family isn't responsible for paying this debt."),
    ("en-US", "Paying won't erase the history, but the account will show as paid in full."),
    ("en-US", "You can verify us by calling the number on the back of your card."),
    ("en-US", "You mentioned being worried about jail; that's not something that happens for unpaid debt."),
    ("en-US", "If you'd like, you can dispute the debt in writing within 30 days."),
    ("en-US", "Is there a better time to reach you, maybe after your kids are in bed?"),
    ("en-US", "I'm not an attorney and I can't give legal advice."),
    ("en-US", "The interest will keep accruing at the rate in your agreement until the balance is paid."),
    ("en-US", "Take care of yourself, and call us whenever you're ready."),
    ("zh-CN", "您女儿的学费压力大我能理解，我们按您的情况做个分期。"),
    ("zh-CN", "我们这边有外访同事，但上门前一定会先跟您预约，经过您同意。"),
    ("zh-CN", "晚上十点以后我们不会打电话，您放心休息。"),
    ("zh-CN", "您要是还不上，银行可以依法起诉，但是否判决由法院决定。"),
    ("zh-CN", "您可以去公安局查询，我们是正规持牌机构。"),
    ("zh-CN", "我们只会给您本人发短信，不会发到您的通讯录。"),
    ("zh-CN", "您先生问起的话，您就说是银行的回访电话。"),
    ("zh-CN", "如果您今天方便，可以先还最低还款额，避免继续产生罚息。"),
    ("zh-CN", "您的车贷和这张信用卡是分开的，不会影响车辆。"),
    ("zh-CN", "这周我会再给您打一次电话，确认一下还款进度。"),
    ("zh-CN", "晚上回家路上注意安全，我们明天再联系。"),
    ("zh-CN", "孩子生病住院确实很难，您先照顾好家里。"),
    ("en-US", "I know things are hard with your daughter in the hospital; let's find a plan that fits."),
    ("en-US", "We'll never show up at your home; everything happens by phone or mail."),
    ("en-US", "The creditor could ask a court for a judgment, but nothing like that has been filed."),
    ("en-US", "Police aren't involved in this, and they won't be."),
    ("en-US", "I'll send you a text with the payment link right after this call."),
    ("en-US", "Please keep your family out of this; you're the only one we'll discuss the account with."),
    ("en-US", "We can call you after 6 p.m. when you're home from work, if that's easier."),
    ("en-US", "If anyone contacts you pretending to be from the sheriff's office, hang up and call us."),
    ("en-US", "Your balance is $2,340, including a $35 late fee from your agreement."),
    ("en-US", "You won't be arrested; this is a civil matter."),
    ("en-US", "Stay safe driving home tonight, and call me tomorrow."),
    ("en-US", "We don't call your workplace, and we won't post anything about you anywhere."),
]


@pytest.mark.parametrize(("locale", "category", "text"), POSITIVES)
def test_paraphrased_violation_is_flagged(locale, category, text):
    assert category in cats(text, locale)


@pytest.mark.parametrize(("locale", "text"), params(LAWFUL))
def test_lawful_lookalike_stays_clean(locale, text):
    assert cats(text, locale) == set()


@pytest.mark.parametrize(
    ("locale", "text"),
    [
        ("zh-CN", "你儿子放学路上挺热闹的，自己小心点。"),
        ("en-US", "Your daughter has such a cute backpack. Be a shame if she lost it on the way home."),
    ],
)
def test_quote_is_an_exact_substring_of_the_original(locale, text):
    ctx = Context(locale=locale, verified=True)
    found = veiled_findings(normalize(text), ctx, [])
    assert found and all(f.quote in text and text[f.start : f.end] == f.quote for f in found)


@pytest.mark.parametrize(
    ("locale", "text"),
    [
        ("zh-CN", "下次来敲门的就不是我们了，是警察。"),
        ("en-US", "Next time it won't be a phone call, it'll be the police with a warrant."),
    ],
)
def test_contrast_negates_only_its_first_half(locale, text):
    assert "threat_legal" in cats(text, locale)


@pytest.mark.parametrize(
    ("locale", "text"),
    params(
        [
            ("zh-CN", "我们不是法院，我是银行委托的催收员。"),
            ("en-US", "This isn't the sheriff's office, I'm with Apex Recovery."),
        ]
    ),
)
def test_an_office_inside_the_negated_half_stays_clean(locale, text):
    assert cats(text, locale) == set()


def test_a_threat_carried_to_the_next_sentence_by_a_pronoun():
    """The compositional scorer links "they" back to the crew of the sentence before; without the
    pronoun it does not (the learned model is off here: it may flag the first sentence on its own)."""
    text = "A few guys I know hang around your street. They could swing by tonight."
    assert "threat_violence" in cats(text, "en-US")
    rules_only = analyze(
        "A few guys I know hang around your street. The weather is nice.",
        Context(locale="en-US", verified=True),
        semantic=False,
        learned=False,
    )
    assert rules_only.violations == []
